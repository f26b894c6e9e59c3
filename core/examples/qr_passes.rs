//! Runs every pass of the picture cascade on every corpus image, none skipped, and prints what
//! each pass found where: for finding pictures with several (or nested) codes and for ordering
//! the passes. `cargo run --release -p kunci --example qr_passes [corpus-dir]`.

use kunci::testkit::bench;
use kunci::LumaFrame;

#[path = "common/corpus.rs"]
mod corpus;

fn main() {
    let dir = corpus::dir_or_arg();
    for p in corpus::images(&dir) {
        let expected = std::fs::read_to_string(p.with_extension("txt")).unwrap_or_default();
        let bytes = std::fs::read(&p).expect("read image");
        let Ok((luma, w, h)) = bench::image_to_luma(&bytes) else {
            println!("{}: unreadable", p.display());
            continue;
        };
        let frame = LumaFrame {
            width: w,
            height: h,
            row_stride: w,
            bytes: &luma,
        };
        let name = p.strip_prefix(&dir).unwrap_or(&p).display().to_string();
        let passes = bench::every_pass(&frame).unwrap_or_default();
        let mut distinct: Vec<String> = Vec::new();
        for (_, found) in &passes {
            for (f, _) in found {
                let t = f.text.clone().unwrap_or_default();
                if !distinct.contains(&t) {
                    distinct.push(t);
                }
            }
        }
        let other = distinct.iter().filter(|t| **t != expected).count();
        println!(
            "{name} {w}x{h}: {} distinct, {other} not the expected text",
            distinct.len()
        );
        for (step, found) in passes {
            for (f, b) in found {
                let t = f.text.unwrap_or_default();
                let tag = if t == expected { "expected" } else { "OTHER" };
                let short: String = t.chars().take(40).collect();
                println!("  {step:32} {tag:8} bbox {b:?} {short:?}");
            }
        }
    }
}
