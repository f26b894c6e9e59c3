//! The QR photo corpus for the examples and benchmarks: where it is and its pictures, in one
//! place (`#[path = "common/corpus.rs"] mod corpus;` in each example that walks it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The one "double QR" photo of the corpus: a small code drawn inside the modules of a large one.
/// Its `.txt` holds the outer code's text; the inner code's text begins with
/// [`DOUBLE_QR_INNER`]. A reader should return both (issue 16, point 2).
pub const DOUBLE_QR: &str = "zxing-qrcode-2/16.png";
pub const DOUBLE_QR_INNER: &str = "[内側QRコード]\r\n\r\n*ダブルQR*\r\nhttp://d-qr.net/ex";

/// `KUNCI_QR_CORPUS`, else the repository's own copy (tests/data/qr, Apache-2.0 notice inside).
pub fn dir() -> PathBuf {
    if let Ok(d) = std::env::var("KUNCI_QR_CORPUS") {
        return d.into();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/qr")
}

/// The first command-line argument when given, else [`dir`].
pub fn dir_or_arg() -> PathBuf {
    std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(dir)
}

/// Every PNG, JPEG and WebP below `dir`, sorted.
pub fn images(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("corpus dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("png" | "jpg" | "jpeg" | "webp")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
