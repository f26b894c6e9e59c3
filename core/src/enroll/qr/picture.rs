//! Encoded pictures (PNG, JPEG, WebP) to the 8-bit luma plane the cascade works on, with bounded
//! memory: the pixel count is checked from the header before any pixel is decoded, every decoder
//! runs under an allocation limit and inside `catch_unwind`, and large pictures come out already
//! box-downscaled to the working size.
//!
//! Each format goes to its decoder directly (png, zune-jpeg, image-webp: the ones the `image`
//! crate itself uses), without `image`'s generic layer, which cost the phones' library 194 KiB
//! and decoded nothing these do not (docs/benchmarks.md, "Size experiments").
//!
//! PNG is decoded row by row straight to luma (8-bit, alpha composited on white), each band of
//! rows box-averaged as it arrives, so a large PNG never exists in memory at full size nor in
//! colour. JPEG is decoded to its Y plane only (zune-jpeg), then downscaled. WebP is decoded as
//! one whole RGB(A) frame (image-webp has no row callback), capped by the same limits.

use std::io::Cursor;

use super::gray::Gray;
use super::{QrError, MAX_PIXELS, WORK_MAX_SIDE};

/// What one decoder may allocate in all: a 24 MP WebP decodes to 96 MB of RGBA, a progressive
/// 24 MP JPEG keeps its coefficients (about 2 bytes per pixel for the luma it keeps).
pub const MAX_DECODER_ALLOC: u64 = 128 << 20;

/// A decoded picture: luma pixels, already downscaled so its long side is at most the working
/// size (the same box average `working_image` would apply to the full-size plane).
pub(crate) struct Luma {
    pub px: Vec<u8>,
    pub w: u32,
    pub h: u32,
}

/// The picture formats Kunci reads, told apart by their first bytes.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Png,
    Jpeg,
    WebP,
}

impl Kind {
    pub(crate) fn of(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
            Some(Kind::WebP)
        } else {
            None
        }
    }
}

fn unreadable(e: &dyn std::fmt::Display) -> QrError {
    QrError::UnreadableImage {
        reason: e.to_string(),
    }
}

fn too_large(w: u32, h: u32) -> QrError {
    QrError::ImageTooLarge {
        width: w.into(),
        height: h.into(),
        max_pixels: MAX_PIXELS,
    }
}

/// The size read from a picture's header, before any pixel is decoded: an empty picture is
/// unreadable and one over [`MAX_PIXELS`] too large.
fn check_size(w: u32, h: u32) -> Result<(), QrError> {
    if w == 0 || h == 0 {
        return Err(QrError::UnreadableImage {
            reason: format!("the picture is empty ({w} x {h} pixels)"),
        });
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large(w, h));
    }
    Ok(())
}

/// The integer box factor that brings the long side down to the working size.
pub(crate) fn box_factor(w: usize, h: usize, max_side: usize) -> usize {
    w.max(h).div_ceil(max_side.max(1)).max(1)
}

/// Decodes a PNG / JPEG / WebP into 8-bit luma (transparent pixels composited on white),
/// box-downscaled to at most the working size.
pub(crate) fn decode(encoded: &[u8]) -> Result<Luma, QrError> {
    let kind = Kind::of(encoded).ok_or_else(|| QrError::UnreadableImage {
        reason: "it is not a PNG, JPEG or WebP file".into(),
    })?;
    fenced_decoder(|| match kind {
        Kind::Png => png_to_luma(encoded),
        Kind::Jpeg => jpeg_to_luma(encoded),
        Kind::WebP => webp_to_luma(encoded),
    })
}

/// Runs a third-party decoder on untrusted bytes: a panic inside is an unreadable picture.
fn fenced_decoder(f: impl FnOnce() -> Result<Luma, QrError>) -> Result<Luma, QrError> {
    crate::fence::fenced(f).unwrap_or_else(|| {
        Err(QrError::UnreadableImage {
            reason: "the picture data is damaged".into(),
        })
    })
}

/// A full-size plane, box-downscaled to the working size when larger.
fn downscaled(px: Vec<u8>, w: u32, h: u32) -> Luma {
    let (uw, uh) = (w as usize, h as usize);
    let f = box_factor(uw, uh, WORK_MAX_SIDE);
    if f == 1 {
        return Luma { px, w, h };
    }
    let g = Gray::from_strided(&px, uw, uh, uw, f);
    Luma {
        w: u32::try_from(g.w).unwrap_or(u32::MAX),
        h: u32::try_from(g.h).unwrap_or(u32::MAX),
        px: g.px.into_owned(),
    }
}

/// ITU-R BT.709 luma of an 8-bit RGB pixel, exactly as `image` computes it (integer weights
/// over 10,000, truncated), so both paths give the same pixels.
fn rgb_luma(r: u8, g: u8, b: u8) -> u8 {
    ((2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b)) / 10_000) as u8
}

/// Luma `l` with alpha `a` composited on white.
fn on_white(l: u8, a: u8) -> u8 {
    let (l, a) = (u32::from(l), u32::from(a));
    ((l * a + 255 * (255 - a)) / 255) as u8
}

/// One decoded 8-bit row of `channels` samples per pixel to luma, appended to `out`.
fn row_to_luma(row: &[u8], channels: usize, out: &mut Vec<u8>) {
    match channels {
        1 => out.extend_from_slice(row),
        2 => out.extend(row.chunks_exact(2).map(|p| on_white(p[0], p[1]))),
        3 => out.extend(row.chunks_exact(3).map(|p| rgb_luma(p[0], p[1], p[2]))),
        _ => out.extend(
            row.chunks_exact(4)
                .map(|p| on_white(rgb_luma(p[0], p[1], p[2]), p[3])),
        ),
    }
}

/// Collects full-size luma rows and emits box-averaged output rows, one band of `factor` rows
/// at a time, with the arithmetic of [`Gray::from_strided`] on the whole plane.
struct BandShrinker {
    w: usize,
    h: usize,
    factor: usize,
    band: Vec<u8>,
    rows_in_band: usize,
    rows_seen: usize,
    out: Vec<u8>,
    out_h: usize,
}

impl BandShrinker {
    fn new(w: usize, h: usize, factor: usize) -> BandShrinker {
        BandShrinker {
            w,
            h,
            factor,
            band: Vec::with_capacity(w * factor.min(h)),
            rows_in_band: 0,
            rows_seen: 0,
            out: Vec::new(),
            out_h: 0,
        }
    }

    /// The pixels of one row are appended to `band` by the caller; this accounts for the row.
    fn row_done(&mut self) {
        self.rows_in_band += 1;
        self.rows_seen += 1;
        if self.rows_in_band == self.factor {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let g = Gray::from_strided(&self.band, self.w, self.rows_in_band, self.w, self.factor);
        self.out.extend_from_slice(&g.px);
        self.out_h += g.h;
        self.band.clear();
        self.rows_in_band = 0;
    }

    fn finish(mut self) -> Option<Luma> {
        // A partial last band counts only when it is the only band (the plane is shorter than
        // one factor), as in `Gray::from_strided`; otherwise its rows are dropped.
        if self.out_h == 0 && self.rows_in_band > 0 {
            self.flush();
        }
        if self.rows_seen != self.h || self.out_h == 0 {
            return None;
        }
        let w = self.out.len() / self.out_h;
        Some(Luma {
            w: u32::try_from(w).ok()?,
            h: u32::try_from(self.out_h).ok()?,
            px: self.out,
        })
    }
}

/// A PNG decoded row by row to 8-bit luma and box-downscaled band by band. Interlaced PNGs are
/// assembled at full size in luma (one byte per pixel) first: their passes arrive out of order.
fn png_to_luma(encoded: &[u8]) -> Result<Luma, QrError> {
    let limits = png::Limits {
        bytes: usize::try_from(MAX_DECODER_ALLOC).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(encoded), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| unreadable(&e))?;
    let info = reader.info();
    let (w, h, interlaced) = (info.width, info.height, info.interlaced);
    check_size(w, h)?;
    let channels = match reader.output_color_type() {
        (png::ColorType::Grayscale, png::BitDepth::Eight) => 1,
        (png::ColorType::GrayscaleAlpha, png::BitDepth::Eight) => 2,
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
        (c, d) => {
            return Err(QrError::UnreadableImage {
                reason: format!("unsupported PNG pixel format {c:?} {d:?}"),
            })
        }
    };
    let (uw, uh) = (w as usize, h as usize);
    if interlaced {
        let mut full = vec![255u8; uw * uh];
        let mut row = Vec::with_capacity(uw);
        while let Some(r) = reader.next_interlaced_row().map_err(|e| unreadable(&e))? {
            row.clear();
            row_to_luma(r.data(), channels, &mut row);
            match r.interlace() {
                png::InterlaceInfo::Adam7(info) => {
                    png::expand_interlaced_row(&mut full, uw, &row, info, 8)
                }
                png::InterlaceInfo::Null(_) => break,
            }
        }
        return Ok(downscaled(full, w, h));
    }
    let mut bands = BandShrinker::new(uw, uh, box_factor(uw, uh, WORK_MAX_SIDE));
    while let Some(r) = reader.next_row().map_err(|e| unreadable(&e))? {
        let before = bands.band.len();
        row_to_luma(r.data(), channels, &mut bands.band);
        if bands.band.len() - before != uw {
            return Err(QrError::UnreadableImage {
                reason: "a row of the picture has the wrong length".into(),
            });
        }
        bands.row_done();
    }
    bands.finish().ok_or_else(|| QrError::UnreadableImage {
        reason: "the picture ends early".into(),
    })
}

/// A JPEG decoded straight to its luma plane: no RGB copy (a 12 MP photo needs 12 MB, not 48).
/// A JPEG whose colours zune-jpeg cannot turn into luma directly (CMYK, YCCK) is decoded to RGB
/// and converted, as `image` would have.
fn jpeg_to_luma(encoded: &[u8]) -> Result<Luma, QrError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    // JPEG sizes are 16-bit; zune-jpeg's own default cap (16,384) would refuse a long panorama
    // that MAX_PIXELS allows.
    let options = DecoderOptions::default()
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    // `Ok(None)`: the headers are fine but zune-jpeg cannot give this colour space.
    let decoded = |out: ColorSpace| -> Result<Option<(Vec<u8>, u32, u32)>, QrError> {
        let options = options.jpeg_set_out_colorspace(out);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(encoded), options);
        decoder.decode_headers().map_err(|e| unreadable(&e))?;
        let (uw, uh) = decoder
            .dimensions()
            .ok_or_else(|| QrError::UnreadableImage {
                reason: "the picture has no size".into(),
            })?;
        let (w, h) = (
            u32::try_from(uw).unwrap_or(u32::MAX),
            u32::try_from(uh).unwrap_or(u32::MAX),
        );
        check_size(w, h)?;
        if decoder.output_colorspace() != Some(out) {
            return Ok(None);
        }
        let size = decoder
            .output_buffer_size()
            .ok_or_else(|| too_large(w, h))?;
        let mut px = vec![0u8; size];
        decoder.decode_into(&mut px).map_err(|e| unreadable(&e))?;
        Ok(Some((px, w, h)))
    };
    let (px, w, h) = match decoded(ColorSpace::Luma)? {
        Some(luma) => luma,
        None => {
            let (rgb, w, h) =
                decoded(ColorSpace::RGB)?.ok_or_else(|| QrError::UnreadableImage {
                    reason: "its colours cannot be decoded".into(),
                })?;
            (bytes_to_luma(&rgb, 3, rgb.len() / 3), w, h)
        }
    };
    Ok(downscaled(px, w, h))
}

/// A WebP decoded as one whole frame (the first, if animated), under the decoders' allocation
/// limit; the RGB(A) frame becomes luma without another colour copy.
fn webp_to_luma(encoded: &[u8]) -> Result<Luma, QrError> {
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(encoded)).map_err(|e| unreadable(&e))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    let limit = usize::try_from(MAX_DECODER_ALLOC).unwrap_or(usize::MAX);
    decoder.set_memory_limit(limit);
    let size = decoder
        .output_buffer_size()
        .filter(|&n| n <= limit)
        .ok_or_else(|| too_large(w, h))?;
    let mut frame = vec![0u8; size];
    decoder.read_image(&mut frame).map_err(|e| unreadable(&e))?;
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let luma = bytes_to_luma(&frame, channels, size / channels);
    Ok(downscaled(luma, w, h))
}

fn bytes_to_luma(px: &[u8], channels: usize, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    row_to_luma(px, channels, &mut out);
    out
}

#[cfg(test)]
#[path = "picture_tests.rs"]
mod tests;
