//! Encoded pictures (PNG, JPEG, WebP) to the 8-bit luma plane the cascade works on, with bounded
//! memory: the pixel count is checked from the header before any pixel is decoded, every decoder
//! runs under an allocation limit and inside `catch_unwind`, and large pictures come out already
//! box-downscaled to the working size.
//!
//! PNG is decoded row by row straight to luma (8-bit, alpha composited on white), each band of
//! rows box-averaged as it arrives, so a large PNG never exists in memory at full size nor in
//! colour. JPEG is decoded to its Y plane only (zune-jpeg), then downscaled. WebP goes through
//! `image` (its decoder writes whole RGB(A) frames), capped by the same limits.

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

/// The integer box factor that brings the long side down to the working size.
pub(crate) fn box_factor(w: usize, h: usize, max_side: usize) -> usize {
    w.max(h).div_ceil(max_side.max(1)).max(1)
}

/// Decodes a PNG / JPEG / WebP into 8-bit luma (transparent pixels composited on white),
/// box-downscaled to at most the working size.
pub(crate) fn decode(encoded: &[u8]) -> Result<Luma, QrError> {
    let reader = image::ImageReader::new(Cursor::new(encoded))
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?;
    let format = reader.format().ok_or_else(|| QrError::UnreadableImage {
        reason: "unknown file format".into(),
    })?;
    // The header alone gives the size: refuse too large a picture before decoding a pixel.
    let (w, h) = reader.into_dimensions().map_err(|e| unreadable(&e))?;
    if w == 0 || h == 0 {
        return Err(QrError::UnreadableImage {
            reason: format!("the picture is empty ({w} x {h} pixels)"),
        });
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large(w, h));
    }
    match format {
        image::ImageFormat::Png => fenced_decoder(|| png_to_luma(encoded, w, h)),
        image::ImageFormat::Jpeg => match jpeg_to_luma(encoded, w, h) {
            Some(px) => Ok(downscaled(px, w, h)),
            None => generic_to_luma(encoded, w, h),
        },
        _ => generic_to_luma(encoded, w, h),
    }
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
fn png_to_luma(encoded: &[u8], w: u32, h: u32) -> Result<Luma, QrError> {
    let limits = png::Limits {
        bytes: usize::try_from(MAX_DECODER_ALLOC).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(encoded), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| unreadable(&e))?;
    let info = reader.info();
    if (info.width, info.height) != (w, h) {
        return Err(QrError::UnreadableImage {
            reason: "the picture's size is inconsistent".into(),
        });
    }
    let interlaced = info.interlaced;
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
/// `None` (fall back to the general decoder) if the decoder refuses or disagrees on the size.
fn jpeg_to_luma(encoded: &[u8], w: u32, h: u32) -> Option<Vec<u8>> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let (uw, uh) = (usize::try_from(w).ok()?, usize::try_from(h).ok()?);
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(uw)
        .set_max_height(uh);
    // A third-party decoder on untrusted bytes: fenced like the QR engines.
    crate::fence::fenced(|| {
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(encoded), options);
        decoder.decode_headers().ok()?;
        if decoder.dimensions()? != (uw, uh) || decoder.output_colorspace()? != ColorSpace::Luma {
            return None;
        }
        let mut out = vec![0u8; uw.checked_mul(uh)?];
        decoder.decode_into(&mut out).ok()?;
        Some(out)
    })
    .flatten()
}

/// Any other picture (WebP, or a JPEG zune-jpeg refused) through `image`, under its limits.
/// The decoder writes whole 8-bit frames; they become luma without another colour copy.
fn generic_to_luma(encoded: &[u8], w: u32, h: u32) -> Result<Luma, QrError> {
    let mut reader = image::ImageReader::new(Cursor::new(encoded))
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let img = fenced_decoder_image(move || reader.decode())?;
    let (w, h) = (img.width(), img.height());
    let n = (w as usize).saturating_mul(h as usize);
    let luma = match img {
        image::DynamicImage::ImageLuma8(b) => b.into_raw(),
        image::DynamicImage::ImageLumaA8(b) => bytes_to_luma(b.as_raw(), 2, n),
        image::DynamicImage::ImageRgb8(b) => bytes_to_luma(b.as_raw(), 3, n),
        image::DynamicImage::ImageRgba8(b) => bytes_to_luma(b.as_raw(), 4, n),
        other if other.color().has_alpha() => bytes_to_luma(other.to_luma_alpha8().as_raw(), 2, n),
        other => other.to_luma8().into_raw(),
    };
    Ok(downscaled(luma, w, h))
}

fn bytes_to_luma(px: &[u8], channels: usize, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    row_to_luma(px, channels, &mut out);
    out
}

/// `image`'s decoders, fenced: a panic is a damaged picture.
fn fenced_decoder_image(
    f: impl FnOnce() -> image::ImageResult<image::DynamicImage>,
) -> Result<image::DynamicImage, QrError> {
    match crate::fence::fenced(f) {
        Some(Ok(img)) => Ok(img),
        Some(Err(e)) => Err(unreadable(&e)),
        None => Err(QrError::UnreadableImage {
            reason: "the picture data is damaged".into(),
        }),
    }
}

#[cfg(test)]
#[path = "picture_tests.rs"]
mod tests;
