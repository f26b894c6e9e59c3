//! Every photo of the QR corpus through `decode_image`: at least 187 of 201 read (what
//! zxing-cpp reads) and none wrong. A payload that differs from the expected text is wrong,
//! except the second code of the one "double QR" photo, which must be read too.
//!
//! Corpus: $KUNCI_QR_CORPUS, else `tests/data/qr` in the repository.

use std::path::{Path, PathBuf};

use kunci::{decode_image, QrPayload};

const MIN_READ: usize = 187;

/// zxing-qrcode-2/16.png is a "double QR": a small code drawn inside the modules of a large one.
/// Its `.txt` holds the outer code's text; the inner code begins like this.
const DOUBLE_QR: &str = "zxing-qrcode-2/16.png";
const DOUBLE_QR_INNER: &str = "[内側QRコード]\r\n\r\n*ダブルQR*\r\nhttp://d-qr.net/ex";

fn corpus_dir() -> PathBuf {
    match std::env::var_os("KUNCI_QR_CORPUS") {
        Some(d) => d.into(),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/qr")),
    }
}

fn images(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap().path();
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

#[test]
fn corpus_reads_at_least_zxing_cpp_and_nothing_wrong() {
    let dir = corpus_dir();
    let files = images(&dir);
    assert_eq!(
        files.len(),
        201,
        "expected the 201-image corpus in {}",
        dir.display()
    );
    let (mut read, mut wrong, mut missed) = (0usize, Vec::new(), Vec::new());
    for path in &files {
        let expected_text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        let expected_bytes = std::fs::read(path.with_extension("bin")).ok();
        let matches = |p: &QrPayload| {
            p.text.as_deref() == Some(expected_text.as_str())
                || expected_bytes.as_deref() == Some(&p.bytes[..])
        };
        let got = decode_image(&std::fs::read(path).unwrap()).unwrap_or_default();
        if got.iter().any(matches) {
            read += 1;
        } else {
            missed.push(path.strip_prefix(&dir).unwrap().display().to_string());
        }
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let inner = |p: &QrPayload| {
            name == DOUBLE_QR
                && p.text
                    .as_deref()
                    .is_some_and(|t| t.starts_with(DOUBLE_QR_INNER))
        };
        if name == DOUBLE_QR {
            assert!(
                got.len() == 2 && got.iter().any(matches) && got.iter().any(inner),
                "the double QR photo must give both codes: {got:?}"
            );
        }
        if got.iter().any(|p| !matches(p) && !inner(p)) {
            wrong.push(format!("{}: {got:?}", path.display()));
        }
    }
    println!(
        "QR corpus: read {read}/{}, wrong {}",
        files.len(),
        wrong.len()
    );
    println!("missed: {missed:?}");
    assert!(wrong.is_empty(), "wrong payloads:\n{}", wrong.join("\n"));
    assert!(read >= MIN_READ, "read {read}, need {MIN_READ}");
}
