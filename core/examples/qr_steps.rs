//! Measures the QR cascade on the photo corpus: per-step cumulative reads and decode times.
//!
//! `cargo run --release -p kunci --example qr_steps [corpus-dir]`
//! (default: $KUNCI_QR_CORPUS, else tests/data/qr in the repository).
//!
//! Times are measured here, in the example, with `std::time::Instant`; the library never reads
//! the clock.

use std::path::Path;
use std::time::Instant;

use kunci::testkit::bench;
use kunci::{LumaFrame, QrPayload};

#[path = "common/corpus.rs"]
mod corpus;

struct Sample {
    name: String,
    luma: Vec<u8>,
    w: u32,
    h: u32,
    expected_text: String,
    expected_bytes: Option<Vec<u8>>,
}

fn load(dir: &Path) -> Vec<Sample> {
    let files = corpus::images(dir);
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let (luma, w, h) = bench::image_to_luma(&bytes).unwrap();
            Sample {
                name: p.strip_prefix(dir).unwrap().display().to_string(),
                luma,
                w,
                h,
                expected_text: std::fs::read_to_string(p.with_extension("txt")).unwrap(),
                expected_bytes: std::fs::read(p.with_extension("bin")).ok(),
            }
        })
        .collect()
}

/// (read, wrong) for one image. The small code inside the double-QR picture is a right answer
/// too (every code in a picture is returned), not a wrong one.
fn judge(s: &Sample, got: &[QrPayload]) -> (bool, bool) {
    let ok = |p: &QrPayload| {
        p.text.as_deref() == Some(s.expected_text.as_str())
            || s.expected_bytes.as_deref() == Some(&p.bytes[..])
    };
    let nested = |p: &QrPayload| {
        s.name == corpus::DOUBLE_QR
            && p.text
                .as_deref()
                .is_some_and(|t| t.starts_with(corpus::DOUBLE_QR_INNER))
    };
    (got.iter().any(ok), got.iter().any(|p| !ok(p) && !nested(p)))
}

fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    // rqrr panics on some pictures; the library catches it, and this keeps it off stderr (as
    // the CLI and the apps do).
    kunci::install_quiet_panic_hook();
    let dir = corpus::dir_or_arg();
    let samples = load(&dir);
    let names = bench::step_names();
    let verbose = std::env::var("QR_STEPS_VERBOSE").is_ok();
    println!("{} images from {}", samples.len(), dir.display());

    // rqrr alone, full resolution, identical pixels.
    let (mut read, mut wrong, mut ms) = (0, 0, Vec::new());
    for s in &samples {
        let f = LumaFrame {
            width: s.w,
            height: s.h,
            row_stride: s.w,
            bytes: &s.luma,
        };
        let t = Instant::now();
        let got = bench::rqrr_alone(&f);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        let (r, x) = judge(s, &got);
        read += r as usize;
        wrong += x as usize;
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "rqrr alone: read {read}, wrong {wrong}, median {:.2} ms, p90 {:.2} ms\n",
        pct(&ms, 0.5),
        pct(&ms, 0.9)
    );

    // Each pass alone (what it can read by itself).
    println!("{:<34} {:>5}", "pass alone", "reads");
    let mut alone: Vec<Vec<bool>> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let mut hits = Vec::new();
        for s in &samples {
            let f = LumaFrame {
                width: s.w,
                height: s.h,
                row_stride: s.w,
                bytes: &s.luma,
            };
            let got = bench::decode_luma_steps(&f, &[i]).unwrap_or_default();
            hits.push(judge(s, &got).0);
        }
        println!("{:<34} {:>5}", n, hits.iter().filter(|&&h| h).count());
        alone.push(hits);
    }

    // The shipped cascade cut after each of its passes, stopping at the first hit.
    let order = bench::thorough_steps();
    println!(
        "\n{:<3} {:<34} {:>5} {:>6} {:>9} {:>9}",
        "#", "cascade up to pass", "read", "wrong", "median ms", "p90 ms"
    );
    for k in 0..order.len() {
        let steps = &order[..=k];
        let (mut read, mut wrong, mut ms) = (0, 0, Vec::new());
        for s in &samples {
            let f = LumaFrame {
                width: s.w,
                height: s.h,
                row_stride: s.w,
                bytes: &s.luma,
            };
            let t = Instant::now();
            let got = bench::decode_luma_steps(&f, steps).unwrap_or_default();
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            let (r, x) = judge(s, &got);
            read += r as usize;
            wrong += x as usize;
            if x {
                println!("    WRONG {}: {:?}", s.name, got);
            }
            if verbose && k == order.len() - 1 && !r {
                println!("    missed {} ({}x{})", s.name, s.w, s.h);
            }
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "{:<3} {:<34} {:>5} {:>6} {:>9.2} {:>9.2}",
            k + 1,
            names[order[k]],
            read,
            wrong,
            pct(&ms, 0.5),
            pct(&ms, 0.9)
        );
    }

    // The public entry point, as shipped (Thorough), on the encoded files.
    let (mut read, mut wrong, mut ms) = (0, 0, Vec::new());
    for s in &samples {
        let f = LumaFrame {
            width: s.w,
            height: s.h,
            row_stride: s.w,
            bytes: &s.luma,
        };
        let t = Instant::now();
        let got = kunci::decode_luma(&f, kunci::ScanEffort::Thorough).unwrap_or_default();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        let (r, x) = judge(s, &got);
        read += r as usize;
        wrong += x as usize;
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "\ndecode_luma Thorough: read {read}/{}, wrong {wrong}, median {:.2} ms, p90 {:.2} ms",
        samples.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.9)
    );

    // Worst case: nothing to find, every pass runs. Noise frames of camera sizes.
    for (w, h) in [(1280u32, 720u32), (1920, 1080), (4000, 3000)] {
        let mut state = 0x2545_f491u32;
        let px: Vec<u8> = (0..w * h)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            })
            .collect();
        let f = LumaFrame {
            width: w,
            height: h,
            row_stride: w,
            bytes: &px,
        };
        if verbose {
            for (i, n) in names.iter().enumerate() {
                let t = Instant::now();
                let _ = bench::decode_luma_steps(&f, &[i]);
                println!(
                    "    noise {w}x{h} pass {n}: {:.1} ms",
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
        }
        for effort in [kunci::ScanEffort::Frame, kunci::ScanEffort::Thorough] {
            let t = Instant::now();
            let r = kunci::decode_luma(&f, effort);
            println!(
                "noise {w}x{h} {effort:?}: {:.1} ms ({})",
                t.elapsed().as_secs_f64() * 1e3,
                r.is_ok()
            );
        }
    }
}
