//! QR images to payloads: a camera luma plane or an encoded picture in, every distinct QR payload
//! out (a Google Authenticator export screenshot can show several codes).
//!
//! Decoding is a cascade of passes ordered cheap-first. Each pass is one preprocessing of the
//! (downscaled) image and one engine: rxing's port of the zxing-cpp QR reader first (it returns
//! every code it sees), then rqrr, then retries on inverted, rescaled and re-thresholded images.
//! The cascade stops at the first pass that yields a payload. Work is bounded by the number of
//! passes, never by the clock. Every decoder call runs under `catch_unwind`.

mod binarize;
mod engine;
mod finder;
mod gray;
mod picture;
#[cfg(any(test, feature = "testkit"))]
pub mod raw_png;

use std::borrow::Cow;

use engine::Found;
use gray::Gray;

/// Decoded pictures and camera frames may have at most this many pixels: a 24 MP camera's photo
/// in either shape (6000 x 4000 is 24.0 million pixels, a recent iPhone's 5712 x 4284 is 24.5
/// million). The cap bounds a phone's memory: a picture is checked from its header before any
/// pixel is decoded (see `picture`); the apps hand larger photos to the platform's decoder.
pub const MAX_PIXELS: u64 = 25_000_000;
/// The long side of the image the cascade works on; larger inputs are box-downscaled first.
const WORK_MAX_SIDE: usize = 1600;
/// The long side a camera frame is box-downscaled to at most (720p and 1080p by 2). A code held
/// up to the camera fills a good part of the frame, so its modules stay several pixels wide, and
/// the box average also smooths sensor noise.
const FRAME_MAX_SIDE: usize = 1000;
/// `render_png` accepts module sizes up to this many pixels.
const MAX_MODULE_PX: u32 = 64;

/// One 8-bit luma plane (the Y plane of a camera frame), borrowed.
pub struct LumaFrame<'a> {
    pub width: u32,
    pub height: u32,
    /// Bytes from the start of one row to the start of the next (`>= width`).
    pub row_stride: u32,
    pub bytes: &'a [u8],
}

/// One decoded QR symbol. It usually holds an otpauth URI with the secret, so Debug prints only
/// lengths (issue 17, finding 8).
#[derive(Clone, PartialEq, Eq)]
pub struct QrPayload {
    /// The payload bytes.
    pub bytes: Vec<u8>,
    /// The decoded string when the payload is valid text.
    pub text: Option<String>,
}

impl std::fmt::Debug for QrPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "QrPayload(<redacted, {} bytes, text: {}>)",
            self.bytes.len(),
            self.text.is_some()
        )
    }
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScanEffort {
    /// A camera frame: cheap passes only, the next frame retries.
    Frame,
    /// A picture the user chose: every pass of the cascade.
    #[default]
    Thorough,
}

/// Why no payload came out. The messages are meant for the person holding the phone.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("The camera picture could not be used ({reason}).")]
    InvalidFrame { reason: String },
    #[error(
        "This file could not be opened as a picture ({reason}). Use a PNG, JPEG or WebP image."
    )]
    UnreadableImage { reason: String },
    #[error("The picture is too large ({width} x {height} pixels). Use a picture of at most {max_pixels} pixels, for example a screenshot.")]
    ImageTooLarge {
        width: u64,
        height: u64,
        max_pixels: u64,
    },
    #[error("No QR code could be read in this picture. Make sure the whole code is visible, sharp and well lit.")]
    NoQrCode,
    #[error("The QR code could not be created ({reason}).")]
    RenderFailed { reason: String },
}

/// Decodes every QR code in a luma plane.
pub fn decode_luma(frame: &LumaFrame, effort: ScanEffort) -> Result<Vec<QrPayload>, QrError> {
    match effort {
        ScanEffort::Frame => decode_frame(frame),
        ScanEffort::Thorough => {
            run_cascade(&working_image(frame, WORK_MAX_SIDE)?, &THOROUGH_STEPS, 1)
        }
    }
}

/// The camera path: a finder-pattern pre-scan on the downscaled frame decides whether and in
/// which polarity to run rxing; when rxing reads nothing there but finder-like patterns were
/// seen, one more rxing pass on a twice finer image (small codes, fine modules). The next frame
/// retries, so nothing else is tried.
fn decode_frame(frame: &LumaFrame) -> Result<Vec<QrPayload>, QrError> {
    let base = working_image(frame, FRAME_MAX_SIDE)?;
    let hits = finder::scan(&base, FRAME_SCAN_ENOUGH);
    if !hits.any() {
        return Err(QrError::NoQrCode);
    }
    // The polarity with more finder-like hits first.
    let mut steps = [(hits.normal, FRAME_NORMAL), (hits.inverted, FRAME_INVERTED)];
    steps.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (n, i) in steps {
        if n > 0 {
            if let Ok(found) = run_cascade(&base, &[i], 1) {
                return Ok(found);
            }
        }
    }
    let finer =
        if base.w.max(base.h) * 2 <= usize::try_from(frame.width.max(frame.height)).unwrap_or(0) {
            working_image(frame, FRAME_MAX_SIDE * 2)?
        } else {
            base.scale(2, 1)
        };
    run_cascade(&finer, &[steps[0].1], 1)
}

/// Whether the bytes start like a PNG, JPEG or WebP picture (what [`decode_image`] reads).
pub(crate) fn is_picture(bytes: &[u8]) -> bool {
    picture::Kind::of(bytes).is_some()
}

/// Decodes every QR code in a PNG, JPEG or WebP picture (thorough scan).
pub fn decode_image(encoded: &[u8]) -> Result<Vec<QrPayload>, QrError> {
    let luma = picture::decode(encoded)?;
    decode_luma(
        &LumaFrame {
            width: luma.w,
            height: luma.h,
            row_stride: luma.w,
            bytes: &luma.px,
        },
        ScanEffort::Thorough,
    )
}

/// Renders `text` as a QR code PNG with a 4-module quiet zone, `module_px` pixels per module.
pub fn render_png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if module_px == 0 || module_px > MAX_MODULE_PX {
        return Err(QrError::RenderFailed {
            reason: format!("module size must be 1..={MAX_MODULE_PX} pixels, not {module_px}"),
        });
    }
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| QrError::RenderFailed {
        reason: format!("{e}"),
    })?;
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4usize;
    let side_modules = modules + 2 * quiet;
    let m = module_px as usize;
    let side = side_modules * m;
    let side_u32 = u32::try_from(side).map_err(|_| QrError::RenderFailed {
        reason: "image too large".into(),
    })?;
    let mut px = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % modules + quiet, i / modules + quiet);
            for y in my * m..(my + 1) * m {
                px[y * side + mx * m..y * side + (mx + 1) * m].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder.write_header().and_then(|mut w| {
        w.write_image_data(&px)?;
        w.finish()
    });
    // The modules and pixels spell out the text (usually a secret): wipe them, not just free.
    zeroize::Zeroize::zeroize(&mut px);
    let mut colors = colors;
    colors.fill(qrcode::Color::Light);
    written.map_err(|e| QrError::RenderFailed {
        reason: e.to_string(),
    })?;
    Ok(out)
}

/// One account's `otpauth://` URI as a QR code PNG: what an app that only scans (FreeOTP)
/// needs to take the account over. Shared by `kunci export --format qr` and the apps'
/// per-account transfer screen (issue 15, point 4); the URI is wiped after rendering.
pub fn render_account_png(
    issuer: &str,
    name: &str,
    params: &crate::otp::OtpParams,
    module_px: u32,
) -> Result<zeroize::Zeroizing<Vec<u8>>, QrError> {
    let uri = zeroize::Zeroizing::new(crate::enroll::format_uri(issuer, name, params));
    render_png(&uri, module_px).map(zeroize::Zeroizing::new)
}

// ---------------------------------------------------------------------------------------------
// Input validation and decoding of pictures.

/// Validates the frame with checked arithmetic and makes it a contiguous working image: the
/// caller's pixels themselves when they already are one, else a copy (downscaled if large).
fn working_image<'a>(frame: &LumaFrame<'a>, max_side: usize) -> Result<Gray<'a>, QrError> {
    let (w, h, stride) = (
        frame.width as usize,
        frame.height as usize,
        frame.row_stride as usize,
    );
    if w == 0 || h == 0 {
        return Err(QrError::InvalidFrame {
            reason: format!(
                "the frame is empty ({} x {} pixels)",
                frame.width, frame.height
            ),
        });
    }
    if stride < w {
        return Err(QrError::InvalidFrame {
            reason: format!(
                "row stride {} is smaller than the width {}",
                frame.row_stride, frame.width
            ),
        });
    }
    let pixels = u64::from(frame.width) * u64::from(frame.height);
    if pixels > MAX_PIXELS {
        return Err(QrError::ImageTooLarge {
            width: frame.width.into(),
            height: frame.height.into(),
            max_pixels: MAX_PIXELS,
        });
    }
    let needed = (h - 1)
        .checked_mul(stride)
        .and_then(|v| v.checked_add(w))
        .ok_or_else(|| QrError::InvalidFrame {
            reason: "the frame size overflows".into(),
        })?;
    if frame.bytes.len() < needed {
        return Err(QrError::InvalidFrame {
            reason: format!(
                "the frame has {} bytes but {} x {} pixels with row stride {} need {}",
                frame.bytes.len(),
                w,
                h,
                stride,
                needed
            ),
        });
    }
    let factor = w.max(h).div_ceil(max_side.max(1)).max(1);
    if factor == 1 && stride == w {
        // Already the working image: read the caller's pixels in place (`needed` is w * h).
        return Ok(Gray {
            w,
            h,
            px: Cow::Borrowed(&frame.bytes[..needed]),
        });
    }
    Ok(Gray::from_strided(frame.bytes, w, h, stride, factor))
}

// ---------------------------------------------------------------------------------------------
// The cascade.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prep {
    /// The working image as is.
    Base,
    /// Light on dark (dark mode, inverted codes).
    Invert,
    /// Local-mean threshold (uneven light, shadows, glare).
    Threshold,
    /// Bilinear x2 (small codes whose modules are 1-2 px).
    Up2,
    /// Box x1/2 (large codes, noise, JPEG blocks).
    Half,
    /// Percentile contrast stretch (washed-out photos).
    Stretch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    Rqrr,
    RxHybrid,
    RxGlobal,
}

struct Step {
    /// Read by the measurement hooks only ([`bench`]).
    #[cfg_attr(not(feature = "testkit"), allow(dead_code))]
    name: &'static str,
    prep: Prep,
    engine: Engine,
}

#[rustfmt::skip]
const STEPS: &[Step] = &[
    Step { name: "rqrr", prep: Prep::Base, engine: Engine::Rqrr },
    Step { name: "rxing hybrid", prep: Prep::Base, engine: Engine::RxHybrid },
    Step { name: "rxing hybrid, inverted", prep: Prep::Invert, engine: Engine::RxHybrid },
    Step { name: "rxing global", prep: Prep::Base, engine: Engine::RxGlobal },
    Step { name: "rxing hybrid, x2", prep: Prep::Up2, engine: Engine::RxHybrid },
    Step { name: "rxing hybrid, x1/2", prep: Prep::Half, engine: Engine::RxHybrid },
    Step { name: "rxing hybrid, local threshold", prep: Prep::Threshold, engine: Engine::RxHybrid },
    Step { name: "rqrr, local threshold", prep: Prep::Threshold, engine: Engine::Rqrr },
    Step { name: "rqrr, inverted", prep: Prep::Invert, engine: Engine::Rqrr },
    Step { name: "rqrr, x1/2", prep: Prep::Half, engine: Engine::Rqrr },
    Step { name: "rxing hybrid, stretch", prep: Prep::Stretch, engine: Engine::RxHybrid },
    Step { name: "rxing global, inverted", prep: Prep::Invert, engine: Engine::RxGlobal },
];

/// Camera frames use rxing only (it reads the most and is cheapest): rqrr costs 5-30 ms on a
/// camera frame and reads little that rxing misses; these are the normal and inverted passes.
const FRAME_NORMAL: usize = 1;
const FRAME_INVERTED: usize = 2;
/// The pre-scan stops counting finder-like hits here.
const FRAME_SCAN_ENOUGH: usize = 24;
/// Pictures: the passes cheapest first. rxing's first pass reads 181 of the 201 corpus photos
/// at about a twentieth of rqrr's cost (0.3 ms against 6 ms median, scripts/bench), and it
/// returns every code it sees in one pass. The twenty it misses are the slowest tenth, so the
/// retries run in the order of what they cost on them: the rxing passes on an image of the
/// same size or smaller (0.1-0.8 ms each; among those of about the same cost, the one that
/// reads more first: after the inverted and x1/2 passes, our local threshold reads 2 more
/// photos and rxing's global binarizer 1, so the threshold comes first and the photos it reads
/// skip a pass; p90 0.82 -> 0.66 ms in `qr_steps`, 2026-12-01), then rxing on the x2 image (about 2 ms: four times
/// the pixels; of the corpus it reads nothing the cheaper passes miss, but it is what reads
/// codes with 1-px modules), then rqrr (5-15 ms a pass): after our local threshold, which reads
/// the one photo no rxing pass reads, and on the picture as it is (rqrr's own threshold, a
/// second opinion on borderline photos). Same 191 pictures read, 0 wrong.
///
/// rqrr on the inverted and the x1/2 image (steps 8 and 9) are not run: of the 2 and 55 photos
/// they read, every one is read by an earlier pass (rxing inverted reads all that rqrr inverted
/// does), while on a picture with no readable code they cost up to 8 ms (rqrr fits its
/// perspective grid to every candidate): a sixth of the time the ten unreadable photos took.
/// rqrr on the picture as it is stays: 16 photos read by it are not read by rqrr after our
/// threshold. The what-if in scripts/bench still measures the longer cascade. (rqrr on an x2
/// image was measured and dropped earlier: it reads nothing that rxing misses and takes over a
/// second on a noisy 720p frame.)
const THOROUGH_STEPS: [usize; 10] = [1, 2, 5, 6, 3, 10, 11, 4, 7, 0];
/// The order before the current one (rxing's global binarizer before our local threshold), for
/// the benchmark's what-if.
#[cfg(feature = "testkit")]
const THOROUGH_STEPS_BEFORE: [usize; 10] = [1, 2, 5, 3, 6, 10, 11, 4, 7, 0];

/// The preprocessed image and the factor that maps its coordinates back to the base image;
/// `None` for the base image itself, `Some(None)` when the pass does not apply to this size.
fn prepare(base: &Gray<'_>, prep: Prep) -> Option<Option<(Gray<'static>, f32)>> {
    Some(Some(match prep {
        Prep::Base => return None,
        Prep::Invert => (base.invert(), 1.0),
        Prep::Threshold => (
            base.threshold_local((base.w.min(base.h) / 24).clamp(4, 64), 4),
            1.0,
        ),
        // Upscaling helps codes with 1-2 px modules, which only small images have; a large
        // image gets x1.5 and the largest none (the pass is skipped).
        Prep::Up2 => match base.w.max(base.h) {
            0..=800 => (base.scale(2, 1), 0.5),
            801..=1200 => (base.scale(3, 2), 2.0 / 3.0),
            _ => return Some(None),
        },
        Prep::Half => {
            if base.w.min(base.h) < 64 {
                return Some(None);
            }
            (base.shrink(2), 2.0)
        }
        Prep::Stretch => (base.stretch(), 1.0),
    }))
}

fn run_step(base: &Gray, step: &Step) -> Vec<Found> {
    let prepared = prepare(base, step.prep);
    let (img, back) = match &prepared {
        None => (base, 1.0),
        Some(Some((g, f))) => (g, *f),
        Some(None) => return Vec::new(),
    };
    let mut found = match step.engine {
        Engine::Rqrr => engine::rqrr(img),
        Engine::RxHybrid => engine::rxing(img, engine::Binarizer::Hybrid),
        Engine::RxGlobal => engine::rxing(img, engine::Binarizer::Global),
    };
    for f in &mut found {
        f.bbox.iter_mut().for_each(|v| *v *= back);
    }
    found
}

fn centre(b: &[f32; 4]) -> (f32, f32) {
    ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
}

fn size(b: &[f32; 4]) -> f32 {
    (b[2] - b[0]).max(b[3] - b[1])
}

/// Whether two findings are the same symbol: centres closer than a quarter of the symbol.
fn same_place(a: &[f32; 4], b: &[f32; 4]) -> bool {
    let ((ax, ay), (bx, by)) = (centre(a), centre(b));
    let d = (ax - bx).abs().max((ay - by).abs());
    d <= 0.25 * size(a).max(size(b)).max(4.0)
}

/// Adds findings not yet in `out`: the same text or bytes is a duplicate; a different reading at
/// the same place replaces a guessed-charset reading (rqrr ignores ECI / kanji mode).
fn merge(out: &mut Vec<Found>, new: Vec<Found>) {
    for f in new {
        let same_payload = |q: &Found| {
            q.payload.bytes == f.payload.bytes
                || (q.payload.text.is_some() && q.payload.text == f.payload.text)
        };
        if let Some(q) = out.iter_mut().find(|q| same_payload(q)) {
            if q.guessed_text && !f.guessed_text {
                q.payload.text = f.payload.text;
                q.guessed_text = false;
            }
            continue;
        }
        if let Some(q) = out
            .iter_mut()
            .find(|q| q.guessed_text && !f.guessed_text && same_place(&q.bbox, &f.bbox))
        {
            *q = f;
            continue;
        }
        out.push(f);
    }
}

fn run_cascade(base: &Gray, steps: &[usize], min_passes: usize) -> Result<Vec<QrPayload>, QrError> {
    let mut out = Vec::new();
    for (n, &i) in steps.iter().enumerate() {
        let Some(step) = STEPS.get(i) else { continue };
        merge(&mut out, run_step(base, step));
        if !out.is_empty() && n + 1 >= min_passes {
            break;
        }
    }
    // Every symbol is returned, a small code drawn inside a larger one ("double QR") too: it
    // is a code of its own, and which one the person meant is theirs to choose.
    if out.is_empty() {
        Err(QrError::NoQrCode)
    } else {
        Ok(out.into_iter().map(|f| f.payload).collect())
    }
}

/// Measurement hooks for `examples/qr_steps.rs` (re-exported in `kunci::testkit`).
#[cfg(feature = "testkit")]
pub mod bench {
    use super::*;

    /// Names of all passes, in cascade order.
    pub fn step_names() -> Vec<&'static str> {
        STEPS.iter().map(|s| s.name).collect()
    }

    /// The picture cascade's order as shipped (indices into [`step_names`]).
    pub fn thorough_steps() -> Vec<usize> {
        THOROUGH_STEPS.to_vec()
    }

    /// The picture cascade's order before the current one (indices into [`step_names`]).
    pub fn thorough_steps_before() -> Vec<usize> {
        THOROUGH_STEPS_BEFORE.to_vec()
    }

    /// Runs only the passes `steps` (indices into [`step_names`]), stopping at the first hit.
    pub fn decode_luma_steps(
        frame: &LumaFrame,
        steps: &[usize],
    ) -> Result<Vec<QrPayload>, QrError> {
        run_cascade(&working_image(frame, WORK_MAX_SIDE)?, steps, 1)
    }

    /// Like [`decode_luma_steps`] on the camera-frame working image.
    pub fn decode_frame_steps(
        frame: &LumaFrame,
        steps: &[usize],
    ) -> Result<Vec<QrPayload>, QrError> {
        run_cascade(&working_image(frame, FRAME_MAX_SIDE)?, steps, 1)
    }

    /// The camera path's finder pre-scan alone: (normal, inverted) finder-like hits.
    pub fn frame_prescan(frame: &LumaFrame) -> Result<(usize, usize), QrError> {
        let h = finder::scan(&working_image(frame, FRAME_MAX_SIDE)?, FRAME_SCAN_ENOUGH);
        Ok((h.normal, h.inverted))
    }

    /// One pass's name and what it found: payloads with their bounding boxes.
    pub type PassFindings = (&'static str, Vec<(QrPayload, [f32; 4])>);

    /// Every pass of the picture cascade on its own, none skipped: per pass, what it found
    /// (payload and bounding box in working-image pixels), before merging and nesting rules.
    pub fn every_pass(frame: &LumaFrame) -> Result<Vec<PassFindings>, QrError> {
        let base = working_image(frame, WORK_MAX_SIDE)?;
        Ok(THOROUGH_STEPS
            .iter()
            .filter_map(|&i| STEPS.get(i))
            .map(|s| {
                let found = run_step(&base, s)
                    .into_iter()
                    .map(|f| (f.payload, f.bbox))
                    .collect();
                (s.name, found)
            })
            .collect())
    }

    /// The luma pixels `decode_image` works on (box-downscaled when the picture is larger than
    /// the working size).
    pub fn image_to_luma(encoded: &[u8]) -> Result<(Vec<u8>, u32, u32), QrError> {
        picture::decode(encoded).map(|l| (l.px, l.w, l.h))
    }

    /// rqrr alone on the full-resolution pixels, no preprocessing and no downscale.
    pub fn rqrr_alone(frame: &LumaFrame) -> Vec<QrPayload> {
        let (w, h) = (frame.width as usize, frame.height as usize);
        match Gray::new(w, h, frame.bytes.to_vec()) {
            Some(g) if frame.row_stride == frame.width => {
                engine::rqrr(&g).into_iter().map(|f| f.payload).collect()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
