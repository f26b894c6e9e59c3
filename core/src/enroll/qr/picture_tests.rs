//! Tests of the picture decoders: the streaming PNG path gives the same pixels as `image`'s
//! whole-frame decode followed by the box downscale; sizes are refused from the header.

use super::*;
use crate::enroll::qr::raw_png;

fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut v = seed;
    (0..n)
        .map(|_| {
            v = v.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (v >> 16) as u8
        })
        .collect()
}

fn encode_png(img: &image::DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The whole frame decoded by `image`, then the same per-pixel luma and the box downscale of
/// the full plane: what the row-by-row path must reproduce exactly.
fn reference(encoded: &[u8]) -> Luma {
    let img = image::load_from_memory(encoded).unwrap();
    let (w, h) = (img.width(), img.height());
    let n = (w * h) as usize;
    let luma = match img {
        image::DynamicImage::ImageLuma8(b) => b.into_raw(),
        image::DynamicImage::ImageLumaA8(b) => bytes_to_luma(b.as_raw(), 2, n),
        image::DynamicImage::ImageRgb8(b) => bytes_to_luma(b.as_raw(), 3, n),
        image::DynamicImage::ImageRgba8(b) => bytes_to_luma(b.as_raw(), 4, n),
        other => panic!("unexpected {:?}", other.color()),
    };
    downscaled(luma, w, h)
}

#[test]
fn luma_weights_and_white_background() {
    assert_eq!(rgb_luma(255, 255, 255), 255);
    assert_eq!(rgb_luma(0, 0, 0), 0);
    // BT.709: 0.2126 R + 0.7152 G + 0.0722 B, truncated.
    assert_eq!(rgb_luma(255, 0, 0), 54);
    assert_eq!(rgb_luma(0, 255, 0), 182);
    assert_eq!(rgb_luma(0, 0, 255), 18);
    // Transparent is white, opaque keeps its value, half way is half way.
    assert_eq!(on_white(0, 0), 255);
    assert_eq!(on_white(10, 255), 10);
    assert_eq!(on_white(0, 128), 127);
}

fn assert_same(a: &Luma, b: &Luma) {
    assert_eq!((a.w, a.h), (b.w, b.h));
    let first = a.px.iter().zip(&b.px).position(|(x, y)| x != y);
    assert!(first.is_none(), "pixels differ from index {first:?}");
}

#[test]
fn png_rows_match_the_whole_frame_decode_in_every_colour_type() {
    let (w, h) = (97u32, 61u32);
    let n = (w * h) as usize;
    let images = [
        image::DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, noise(n, 1)).unwrap()),
        image::DynamicImage::ImageLumaA8(
            image::GrayAlphaImage::from_raw(w, h, noise(2 * n, 2)).unwrap(),
        ),
        image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, noise(3 * n, 3)).unwrap()),
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_raw(w, h, noise(4 * n, 4)).unwrap()),
    ];
    for img in &images {
        let png = encode_png(img);
        assert_same(&decode(&png).unwrap(), &reference(&png));
    }
}

#[test]
fn large_png_comes_out_downscaled_like_the_full_plane() {
    // Factor 2 with an odd width and height (the last column and row are dropped); factor 4
    // with a partial band after a full one; one band shorter than its factor.
    for (w, h) in [(1601u32, 803u32), (4900, 7), (1700, 1)] {
        let n = (w * h) as usize;
        let img = image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(w, h, noise(3 * n, w)).unwrap(),
        );
        let png = encode_png(&img);
        let got = decode(&png).unwrap();
        assert!(got.w.max(got.h) as usize <= WORK_MAX_SIDE, "{w}x{h}");
        assert_same(&got, &reference(&png));
    }
}

/// A PNG of raw scanlines (filter bytes included), stored uncompressed.
fn png_file(w: u32, h: u32, depth: u8, colour: u8, interlace: u8, raw: &[u8]) -> Vec<u8> {
    raw_png::png(w, h, depth, colour, interlace, &raw_png::zlib_stored(raw))
}

/// An 8-bit grey Adam7 PNG of `px`: each pass's rows, filter byte 0.
fn interlaced_gray_png(w: usize, h: usize, px: &[u8]) -> Vec<u8> {
    const PASSES: [(usize, usize, usize, usize); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            raw.push(0);
            raw.extend((x0..w).step_by(dx).map(|x| px[y * w + x]));
        }
    }
    png_file(w as u32, h as u32, 8, 0, 1, &raw)
}

#[test]
fn interlaced_png_decodes_to_the_same_pixels() {
    for (w, h) in [(37usize, 23usize), (3301, 9), (5, 3)] {
        let px = noise(w * h, 9);
        let got = decode(&interlaced_gray_png(w, h, &px)).unwrap();
        let want = downscaled(px, w as u32, h as u32);
        assert_same(&got, &want);
    }
}

#[test]
fn too_many_pixels_are_refused_from_the_header() {
    // The 16-bit 7071 x 7071 PNG of the review needed 542 MB; here only its header exists (the
    // data would be needed to decode anything), so a refusal proves nothing was decoded.
    let png = png_file(7071, 7071, 16, 6, 0, &[]);
    match decode(&png) {
        Err(QrError::ImageTooLarge { width, height, .. }) => {
            assert_eq!((width, height), (7071, 7071))
        }
        other => panic!(
            "expected ImageTooLarge, got {:?}",
            other.map(|l| (l.w, l.h))
        ),
    }
    // A long strip within the cap is decoded, downscaled by 15 (one band shorter than 15 rows).
    let w = 24_000u32;
    let png = png_file(
        w,
        1,
        8,
        0,
        0,
        &[&[0u8][..], &vec![200u8; w as usize]].concat(),
    );
    let got = decode(&png).unwrap();
    assert_eq!((got.w, got.h), (1600, 1));
    assert!(got.px.iter().all(|&v| v == 200));
}

#[test]
fn truncated_and_inconsistent_pngs_are_unreadable() {
    let img = image::DynamicImage::ImageRgb8(
        image::RgbImage::from_raw(64, 64, noise(3 * 4096, 5)).unwrap(),
    );
    let png = encode_png(&img);
    for cut in [png.len() / 2, png.len() - 20, 40] {
        let e = decode(&png[..cut])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("could not be opened"), "cut {cut}: {e}");
    }
    // Zero rows of data for a 16 x 16 picture.
    let e = decode(&png_file(16, 16, 8, 0, 0, &[]))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("could not be opened"), "{e}");
}

fn encode_as(img: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A smooth colour picture.
fn gradient(w: u32, h: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) / 8 % 256) as u8])
    }))
}

#[test]
fn webp_decodes_to_the_pixels_image_gives() {
    // Lossless, so the reference (image's whole-frame decode) sees the same RGB(A) frame.
    for img in [
        gradient(97, 61),
        gradient(2100, 40),
        image::DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(33, 17, noise(4 * 33 * 17, 9)).unwrap(),
        ),
    ] {
        let webp = encode_as(&img, image::ImageFormat::WebP);
        assert_same(&decode(&webp).unwrap(), &reference(&webp));
    }
}

/// A smooth gray picture stored as colour (R = G = B), so the JPEG's Y plane and any luma of
/// its RGB agree up to compression.
fn gray_gradient(w: u32, h: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        let v = ((x + 2 * y) / 3 % 256) as u8;
        image::Rgb([v, v, v])
    }))
}

#[test]
fn jpeg_gives_its_luma_plane() {
    // zune-jpeg's Y plane against image's RGB decode turned to luma: close (JPEG rounds its
    // colour conversion), and downscaled alike past the working size.
    for img in [gray_gradient(120, 90), gray_gradient(3300, 20)] {
        let jpeg = encode_as(&img, image::ImageFormat::Jpeg);
        let (got, want) = (decode(&jpeg).unwrap(), reference(&jpeg));
        assert_eq!((got.w, got.h), (want.w, want.h));
        let diff: u64 = got
            .px
            .iter()
            .zip(&want.px)
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = diff as f64 / got.px.len() as f64;
        assert!(mean < 1.0, "mean difference {mean}");
    }
}

/// The offset just past a JPEG marker's length field (`ff c0` is the baseline frame header).
fn after_marker(jpeg: &[u8], marker: u8) -> usize {
    jpeg.windows(2).position(|m| m == [0xff, marker]).unwrap() + 4
}

#[test]
fn jpeg_and_webp_sizes_are_refused_from_the_header() {
    // A JPEG whose frame header says 60,000 x 60,000: refused before any pixel is decoded.
    let mut jpeg = encode_as(&gradient(16, 16), image::ImageFormat::Jpeg);
    let sof = after_marker(&jpeg, 0xc0);

    jpeg[sof + 1..sof + 5].copy_from_slice(&[0xea, 0x60, 0xea, 0x60]);
    assert!(
        matches!(
            decode(&jpeg),
            Err(QrError::ImageTooLarge {
                width: 60_000,
                height: 60_000,
                ..
            })
        ),
        "{:?}",
        decode(&jpeg).map(|l| (l.w, l.h))
    );
    // A lossless WebP whose header says 16,383 x 16,383: 14-bit sizes minus one, after the
    // 0x2f signature, alpha and version bits above them.
    let mut webp = encode_as(&gradient(4, 4), image::ImageFormat::WebP);
    assert_eq!((&webp[12..16], webp[20]), (&b"VP8L"[..], 0x2f));
    let bits = u32::from_le_bytes(webp[21..25].try_into().unwrap());
    let bits = (bits & 0xf000_0000) | 16_382 | (16_382 << 14);
    webp[21..25].copy_from_slice(&bits.to_le_bytes());
    assert!(
        matches!(
            decode(&webp),
            Err(QrError::ImageTooLarge {
                width: 16_383,
                height: 16_383,
                ..
            })
        ),
        "{:?}",
        decode(&webp).map(|l| (l.w, l.h))
    );
}

#[test]
fn a_24_mp_photo_of_either_shape_is_within_the_cap() {
    // 6000 x 4000 and a recent iPhone's 5712 x 4284 (24.5 million pixels) pass; 50 MP does not.
    for (w, h) in [(6000, 4000), (5712, 4284), (4284, 5712)] {
        assert!(check_size(w, h).is_ok(), "{w} x {h}");
    }
    assert!(matches!(
        check_size(8160, 6120),
        Err(QrError::ImageTooLarge { .. })
    ));
}

#[test]
fn other_files_are_not_pictures() {
    for bytes in [
        &b"GIF89a\x01\x00\x01\x00"[..],
        b"",
        b"\x89PN",
        b"RIFF\0\0\0\0WAVE",
    ] {
        let e = decode(bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("not a PNG, JPEG or WebP"), "{bytes:?}: {e}");
    }
    // Damaged JPEG and WebP data is unreadable, never a panic.
    let jpeg = encode_as(&gradient(64, 64), image::ImageFormat::Jpeg);
    let webp = encode_as(&gradient(64, 64), image::ImageFormat::WebP);
    for bad in [
        &jpeg[..jpeg.len() / 3],
        &webp[..webp.len() / 2],
        &webp[..30],
    ] {
        let e = decode(bad).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("could not be opened"), "{e}");
    }
}
