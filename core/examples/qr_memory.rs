//! Peak memory of `decode_image` on the worst picture of each kind (issue 17, finding 7): writes
//! the hostile inputs, then decodes each in a fresh child process and reports the peak resident
//! memory (VmHWM) and the decode time, as JSON lines.
//!
//! ```text
//! cargo run --release -p kunci --example qr_memory [DIR]     # default DIR: target/bench/data/memory
//! qr_memory one FILE                                         # one decode in this process
//! ```
//!
//! The inputs: the review's 16-bit 7071 x 7071 PNG (refused from its header), a 16-bit RGBA PNG
//! and a colour JPEG and a lossless WebP at the pixel cap (6000 x 4000), an interlaced PNG at the
//! cap, and a PNG that claims the cap but holds a tiny compressed payload (a "decompression
//! bomb"). Any extra files in DIR (for example a progressive JPEG made with ImageMagick by
//! scripts/bench) are measured too. Times come from `std::time::Instant` here, in the harness.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kunci::testkit::raw_png;

const W: u32 = 6000;
const H: u32 = 4000;

/// (VmRSS, VmHWM) in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A QR-like pattern of 40-pixel blocks: compresses well (small files) but is not flat.
fn pattern(x: u32, y: u32) -> bool {
    let (bx, by) = (x / 40, y / 40);
    (bx.wrapping_mul(7_919) ^ by.wrapping_mul(104_729)).count_ones() % 2 == 0
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write input");
}

fn encode(img: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .expect("encode input");
    out
}

fn make(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    // The review's input: only the header matters, the size is refused before any data.
    write(
        dir,
        "png16-7071.png",
        &raw_png::png(7071, 7071, 16, 6, 0, &[0x78, 0x01]),
    );
    let rgba16 = image::ImageBuffer::from_fn(W, H, |x, y| {
        let v = if pattern(x, y) { 0 } else { 65_535 };
        image::Rgba([v, v, v, 65_535u16])
    });
    let rgba16 = image::DynamicImage::ImageRgba16(rgba16);
    write(
        dir,
        "png16-rgba-24mp.png",
        &encode(&rgba16, image::ImageFormat::Png),
    );
    let rgb = image::DynamicImage::ImageRgb8(rgba16.to_rgb8());
    drop(rgba16);
    write(
        dir,
        "jpeg-24mp.jpg",
        &encode(&rgb, image::ImageFormat::Jpeg),
    );
    write(
        dir,
        "webp-lossless-24mp.webp",
        &encode(&rgb, image::ImageFormat::WebP),
    );
    // Adam7, 8-bit grey, all rows zero (filter 0): a stored-free zlib stream of zeros.
    let mut raw_len = 0usize;
    for (x0, y0, dx, dy) in [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ] {
        let cols = (W as usize).saturating_sub(x0).div_ceil(dx);
        let rows = (H as usize).saturating_sub(y0).div_ceil(dy);
        raw_len += rows * (cols + 1);
    }
    let zeros = miniz_zlib(raw_len);
    write(
        dir,
        "png-interlaced-24mp.png",
        &raw_png::png(W, H, 8, 0, 1, &zeros),
    );
    // The bomb: 24 MP of 16-bit RGBA claimed, 8 bytes per pixel of zeros (192 MB) compressed.
    let bomb = miniz_zlib(H as usize * (W as usize * 8 + 1));
    write(
        dir,
        "png16-bomb-24mp.png",
        &raw_png::png(W, H, 16, 6, 0, &bomb),
    );
}

/// zlib of `n` zero bytes, through `image`'s own PNG encoder (a 1-row grey PNG of `n - 1`
/// pixels is filter byte 0 plus the zeros: its IDAT payload is exactly that stream).
fn miniz_zlib(n: usize) -> Vec<u8> {
    // Long rows are not allowed past u32, which n never reaches here.
    let w = u32::try_from(n - 1).unwrap();
    let mut png = Vec::new();
    let enc = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::NoFilter,
    );
    image::ImageEncoder::write_image(enc, &vec![0u8; n - 1], w, 1, image::ExtendedColorType::L8)
        .expect("encode zeros");
    // Concatenate every IDAT payload.
    let (mut i, mut out) = (8usize, Vec::new());
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        if &png[i + 4..i + 8] == b"IDAT" {
            out.extend_from_slice(&png[i + 8..i + 8 + len]);
        }
        i += 12 + len;
    }
    out
}

fn one(file: &Path) {
    let (base_rss, _) = rss_kib();
    let bytes = std::fs::read(file).expect("read picture");
    let t = Instant::now();
    let result = kunci::decode_image(&bytes);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let (_, hwm) = rss_kib();
    let outcome = match &result {
        Ok(p) => format!("{} code(s)", p.len()),
        Err(e) => format!("{e}"),
    };
    println!(
        "{{\"file\": {:?}, \"bytes\": {}, \"baseline_rss_kib\": {base_rss}, \"peak_rss_kib\": {hwm}, \"ms\": {ms:.1}, \"outcome\": {:?}}}",
        file.file_name().unwrap_or_default().to_string_lossy(),
        bytes.len(),
        outcome
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("one") {
        return one(Path::new(&args[1]));
    }
    let dir = args.first().map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench/data/memory")
    });
    if !dir.join("png16-bomb-24mp.png").exists() {
        make(&dir);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let me = std::env::current_exe().expect("own path");
    for f in files {
        let status = std::process::Command::new(&me)
            .arg("one")
            .arg(&f)
            .status()
            .expect("run child");
        if !status.success() {
            println!(
                "{{\"file\": {:?}, \"failed\": {:?}}}",
                f.display().to_string(),
                status.to_string()
            );
        }
    }
}
