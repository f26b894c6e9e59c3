//! The two decoders, each call fenced by `catch_unwind`: a panic inside a decoder on hostile
//! pixels (rqrr panics on some real photos) means "this pass found nothing", never a crash.

use crate::fence::fenced;
use std::collections::HashSet;

use rxing::common::CharacterSet;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, RXingResultMetadataType,
    RXingResultMetadataValue,
};

use super::binarize::{FastBinarizer, Method};
use super::gray::Gray;
use super::QrPayload;

/// A payload with where it was found, for telling symbols apart.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub payload: QrPayload,
    /// Bounding box `[x0, y0, x1, y1]` of the points the engine reported, in the coordinates of
    /// the image it was given (rqrr: the symbol corners; rxing: the finder pattern centres).
    pub bbox: [f32; 4],
    /// The text was guessed from bytes that are not UTF-8 (rqrr does not report the segment
    /// modes or ECI), so another engine's reading of the same symbol is preferred.
    pub guessed_text: bool,
}

fn bbox(points: impl Iterator<Item = (f32, f32)>) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in points {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    if b[0] > b[2] {
        return [0.0; 4];
    }
    b
}

/// Builds a payload from exact bytes; `text` is set when the bytes are text. Returns whether the
/// text had to be guessed (not UTF-8).
pub(crate) fn payload_from_bytes(bytes: Vec<u8>) -> (QrPayload, bool) {
    if let Ok(s) = String::from_utf8(bytes.clone()) {
        return (
            QrPayload {
                bytes,
                text: Some(s),
            },
            false,
        );
    }
    // Not UTF-8: guess the way ZXing does (Shift_JIS, else ISO-8859-1, which always decodes).
    let text = rxing::common::string_utils::guessCharset(&bytes, &DecodeHints::default())
        .and_then(|cs| cs.decode(&bytes).ok())
        .or_else(|| CharacterSet::Shift_JIS.decode(&bytes).ok())
        .or_else(|| CharacterSet::ISO8859_1.decode(&bytes).ok());
    (QrPayload { bytes, text }, true)
}

/// rqrr: its own row-average threshold, capstone search, perspective grid, Reed-Solomon.
pub(crate) fn rqrr(img: &Gray) -> Vec<Found> {
    let found = fenced(|| {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| img.px[y * img.w + x]);
        let mut out = Vec::new();
        for grid in prepared.detect_grids() {
            let mut bytes = Vec::new();
            if grid.decode_to(&mut bytes).is_ok() && !bytes.is_empty() {
                let b = bbox(grid.bounds.iter().map(|p| (p.x as f32, p.y as f32)));
                out.push((bytes, b));
            }
        }
        out
    });
    found
        .unwrap_or_default()
        .into_iter()
        .map(|(bytes, bbox)| {
            let (payload, guessed_text) = payload_from_bytes(bytes);
            Found {
                payload,
                bbox,
                guessed_text,
            }
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binarizer {
    /// Local blocks (ZXing's HybridBinarizer): photos with uneven light.
    Hybrid,
    /// One global threshold from the histogram: blurry or low-resolution codes.
    Global,
}

/// rxing's port of the zxing-cpp QR reader, QR (model 1 and 2) only, every symbol in the image.
pub(crate) fn rxing(img: &Gray, binarizer: Binarizer) -> Vec<Found> {
    let found = fenced(|| {
        let (Ok(w), Ok(h)) = (u32::try_from(img.w), u32::try_from(img.h)) else {
            return Vec::new();
        };
        let Ok(source) = Luma8Source::new_with_slice(&img.px, w, h) else {
            return Vec::new();
        };
        let hints = DecodeHints {
            TryHarder: Some(true),
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            ..DecodeHints::default()
        };
        let mut reader = QrReader;
        let results = match binarizer {
            // The same images as rxing's HybridBinarizer and GlobalHistogramBinarizer, computed
            // faster (binarize.rs).
            Binarizer::Hybrid => reader.decode_multiple_with_hints(
                &mut BinaryBitmap::new(FastBinarizer::new(source, Method::Blocks)),
                &hints,
            ),
            Binarizer::Global => reader.decode_multiple_with_hints(
                &mut BinaryBitmap::new(FastBinarizer::new(source, Method::Global)),
                &hints,
            ),
        };
        results
            .unwrap_or_default()
            .into_iter()
            .filter(|r| *r.getBarcodeFormat() == BarcodeFormat::QR_CODE)
            .map(|r| {
                let text = r.getText().to_owned();
                let segments = match r
                    .getRXingResultMetadata()
                    .get(&RXingResultMetadataType::BYTE_SEGMENTS)
                {
                    Some(RXingResultMetadataValue::ByteSegments(s)) => Some(s.concat()),
                    _ => None,
                };
                let b = bbox(r.getPoints().iter().map(|p| (p.x, p.y)));
                (text, segments, b)
            })
            .collect::<Vec<_>>()
    });
    found
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(text, segments, bbox)| {
            if text.is_empty() {
                return None;
            }
            // Exact bytes when the symbol is all byte-mode data that reads back as this text;
            // otherwise the text itself (numeric / alphanumeric / kanji segments are text).
            let bytes = match segments {
                Some(seg) if !seg.is_empty() && reads_as(&seg, &text) => seg,
                _ => text.clone().into_bytes(),
            };
            Some(Found {
                payload: QrPayload {
                    bytes,
                    text: Some(text),
                },
                bbox,
                guessed_text: false,
            })
        })
        .collect()
}

/// Whether `bytes` decode to exactly `text` in UTF-8, Shift_JIS or ISO-8859-1.
fn reads_as(bytes: &[u8], text: &str) -> bool {
    std::str::from_utf8(bytes).ok() == Some(text)
        || [CharacterSet::Shift_JIS, CharacterSet::ISO8859_1]
            .iter()
            .any(|cs| cs.decode(bytes).ok().as_deref() == Some(text))
}
