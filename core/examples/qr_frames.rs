//! Measures the camera-frame path (`decode_luma(.., ScanEffort::Frame)`) on camera-sized frames.
//!
//! `cargo run --release -p kunci --example qr_frames [timing|corpus|all] [runs] [case-filter]`
//!
//! * timing: 1280x720 and 1920x1080 frames without a code (blurred gradient + noise, a busy
//!   desk-like texture, a corpus photo tiled) and with one (a rendered code warped into a busy
//!   frame, a corpus photo scaled into the frame), `runs` decodes each (default 50): median, p90.
//! * corpus: every corpus photo scaled into a 1280x720 (and 1920x1080) frame, Frame mode:
//!   read / wrong counts and times.
//!
//! Corpus: $KUNCI_QR_CORPUS, else tests/data/qr in the repository. The library never
//! reads the clock; times are taken here.

use std::time::Instant;

use kunci::testkit::bench;
use kunci::{decode_luma, render_png, QrPayload, ScanEffort};

#[path = "common/corpus.rs"]
mod corpus;
#[path = "../tests/scene_common/mod.rs"]
mod scene_common;

use scene_common::Img;

const TOTP: &str = "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

impl Img {
    /// `src` scaled (bilinear) into the rectangle at (x0, y0) of size (dw, dh).
    fn place(&mut self, src: &Img, x0: usize, y0: usize, dw: usize, dh: usize) {
        let (sx, sy) = (src.w as f64 / dw as f64, src.h as f64 / dh as f64);
        for y in 0..dh.min(self.h - y0) {
            for x in 0..dw.min(self.w - x0) {
                let u = ((x as f64 + 0.5) * sx - 0.5).clamp(0.0, (src.w - 1) as f64);
                let v = ((y as f64 + 0.5) * sy - 0.5).clamp(0.0, (src.h - 1) as f64);
                if let Some(val) = src.at(u, v) {
                    self.px[(y0 + y) * self.w + x0 + x] = val.round() as u8;
                }
            }
        }
    }

    /// A smooth lighting gradient with soft blobs (an out-of-focus room), plus sensor noise.
    fn gradient(w: usize, h: usize, seed: u32) -> Img {
        let mut px = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f64 / w as f64, y as f64 / h as f64);
                let v = 60.0
                    + 120.0 * fx * (1.0 - 0.4 * fy)
                    + 25.0 * ((fx * 7.0).sin() * (fy * 5.0).cos());
                px[y * w + x] = v.clamp(0.0, 255.0) as u8;
            }
        }
        Img { w, h, px }.noisy(5, seed)
    }
}

struct Sample {
    name: String,
    img: Img,
    text: String,
    bytes: Option<Vec<u8>>,
}

fn load_corpus() -> Vec<Sample> {
    let dir = corpus::dir();
    let files = corpus::images(&dir);
    files
        .into_iter()
        .map(|p| {
            let (px, w, h) = bench::image_to_luma(&std::fs::read(&p).unwrap()).unwrap();
            Sample {
                name: p.strip_prefix(&dir).unwrap().display().to_string(),
                img: Img {
                    w: w as usize,
                    h: h as usize,
                    px,
                },
                text: std::fs::read_to_string(p.with_extension("txt")).unwrap(),
                bytes: std::fs::read(p.with_extension("bin")).ok(),
            }
        })
        .collect()
}

/// The photo scaled (aspect kept) to `fill` of the frame height, centred on a grey, noisy frame.
fn corpus_frame(src: &Img, w: usize, h: usize, fill: f64, seed: u32) -> Img {
    let mut f = Img {
        w,
        h,
        px: vec![128; w * h],
    };
    let dh = (h as f64 * fill) as usize;
    let dw = ((src.w as f64 * dh as f64 / src.h as f64) as usize).min(w);
    let dh = dh.min((src.h as f64 * dw as f64 / src.w as f64).ceil() as usize);
    f.place(src, (w - dw) / 2, (h - dh) / 2, dw, dh);
    f.noisy(3, seed)
}

/// The TOTP URI rendered with `module_px` pixels per module.
fn code(module_px: u32) -> Img {
    let png = render_png(TOTP, module_px).unwrap();
    let (px, w, h) = bench::image_to_luma(&png).unwrap();
    Img {
        w: w as usize,
        h: h as usize,
        px,
    }
}

fn pct(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn time_case(name: &str, img: &Img, runs: usize, expect: bool) {
    let f = img.frame();
    let first = decode_luma(&f, ScanEffort::Frame);
    let ok = match &first {
        Ok(p) => p.iter().any(|p| p.text.as_deref() == Some(TOTP)) || !expect,
        Err(_) => !expect,
    };
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let r = decode_luma(&f, ScanEffort::Frame);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(r.ok());
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "{name:<40} {:>8.2} {:>8.2} {:>8.2}  {}",
        pct(&ms, 0.5),
        pct(&ms, 0.9),
        ms[0],
        match (&first, ok) {
            (Ok(_), true) => "read",
            (Err(_), true) => "none (ok)",
            (Ok(_), false) => "WRONG/UNEXPECTED",
            (Err(_), false) => "MISSED",
        }
    );
}

fn timing_cases(corpus: &[Sample]) -> Vec<(String, Img, bool)> {
    let mut cases = Vec::new();
    // A corpus photo (640x480 phone photo of a code) for the with-code case.
    let photo = corpus
        .iter()
        .find(|s| s.img.w == 640 && s.img.h == 480 && s.text == TOTP)
        .or_else(|| corpus.iter().find(|s| s.img.w == 640 && s.img.h == 480));
    for (w, h) in [(1280usize, 720usize), (1920, 1080)] {
        cases.push((
            format!("{h}p no code, gradient+noise"),
            Img::gradient(w, h, 3),
            false,
        ));
        cases.push((format!("{h}p no code, busy"), Img::busy(w, h, 5), false));
        // A corpus photo's top-left corner (scene, no code), scaled up to the frame.
        if let Some(s) = corpus.iter().find(|s| s.name.contains("zxing-qrcode-3")) {
            let crop = Img {
                w: s.img.w / 4,
                h: s.img.h / 4,
                px: (0..s.img.h / 4)
                    .flat_map(|y| s.img.px[y * s.img.w..y * s.img.w + s.img.w / 4].to_vec())
                    .collect(),
            };
            let mut f = Img {
                w,
                h,
                px: vec![0; w * h],
            };
            f.place(&crop, 0, 0, w, h);
            cases.push((format!("{h}p no code, photo scene"), f.noisy(4, 9), false));
        }
        // A rendered code, tilted, about a third of the frame height, on a busy background.
        let mut f = Img::busy(w, h, 7);
        let c = code(4);
        let (cx, cy, s) = (w as f64 * 0.55, h as f64 * 0.5, h as f64 * 0.36);
        f.warp_in(
            &c,
            [
                (cx - s, cy - s * 0.95),
                (cx + s * 0.97, cy - s),
                (cx + s, cy + s * 0.98),
                (cx - s * 0.96, cy + s),
            ],
        );
        cases.push((format!("{h}p code, rendered+tilt"), f.noisy(6, 11), true));
        if let Some(p) = photo {
            let f = corpus_frame(&p.img, w, h, 0.9, 13);
            cases.push((
                format!(
                    "{h}p code, corpus photo ({})",
                    p.name.rsplit('/').next().unwrap()
                ),
                f,
                p.text == TOTP,
            ));
        }
    }
    cases
}

fn judge(s: &Sample, got: &[QrPayload]) -> (bool, bool) {
    let ok = |p: &QrPayload| {
        p.text.as_deref() == Some(s.text.as_str()) || s.bytes.as_deref() == Some(&p.bytes[..])
    };
    (got.iter().any(ok), got.iter().any(|p| !ok(p)))
}

fn corpus_rate(corpus: &[Sample], w: usize, h: usize, fill: f64) {
    let (mut read, mut wrong, mut ms, mut hits) = (0, 0, Vec::new(), Vec::new());
    let verbose = std::env::var("QR_FRAMES_VERBOSE").is_ok();
    // QR_FRAME_STEPS=1,2,5: these passes (indices of bench::step_names) instead of Frame mode.
    let steps: Option<Vec<usize>> = std::env::var("QR_FRAME_STEPS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    for (i, s) in corpus.iter().enumerate() {
        let f = corpus_frame(&s.img, w, h, fill, i as u32 + 1);
        let t = Instant::now();
        let got = match &steps {
            Some(st) => bench::decode_frame_steps(&f.frame(), st),
            None => decode_luma(&f.frame(), ScanEffort::Frame),
        }
        .unwrap_or_default();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        let (r, x) = judge(s, &got);
        read += r as usize;
        wrong += x as usize;
        if verbose && !r {
            println!("    missed {}", s.name);
        }
        if verbose {
            let (n, i) = bench::frame_prescan(&f.frame()).unwrap();
            hits.push(n + i);
        }
    }
    ms.sort_by(f64::total_cmp);
    hits.sort();
    if verbose {
        println!(
            "    smallest pre-scan hit counts: {:?}",
            &hits[..hits.len().min(30)]
        );
    }
    println!(
        "corpus in {w}x{h} at {:.0}% height, Frame: read {read}/{}, wrong {wrong}, median {:.2} ms, p90 {:.2} ms",
        fill * 100.0,
        corpus.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.9)
    );
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let filter = std::env::args().nth(3).unwrap_or_default();
    let corpus = load_corpus();
    if mode == "timing" || mode == "all" {
        println!(
            "{:<40} {:>8} {:>8} {:>8}  ({runs} runs, ms)",
            "case", "median", "p90", "min"
        );
        for (name, img, expect) in timing_cases(&corpus) {
            if name.contains(filter.as_str()) {
                time_case(&name, &img, runs, expect);
            }
        }
    }
    if mode == "prescan" {
        for (name, img, _) in timing_cases(&corpus) {
            let mut ms = Vec::new();
            let mut hits = (0, 0);
            for _ in 0..runs {
                let t = Instant::now();
                hits = bench::frame_prescan(&img.frame()).unwrap();
                ms.push(t.elapsed().as_secs_f64() * 1e3);
            }
            ms.sort_by(f64::total_cmp);
            println!("{name:<40} prescan {:>7.2} ms {hits:?}", pct(&ms, 0.5));
        }
    }
    if mode == "passes" {
        // Each pass alone on each case at 1/1 and after an x1/2 box shrink done here.
        let names = bench::step_names();
        for (name, img, _) in timing_cases(&corpus) {
            if !name.contains(filter.as_str()) {
                continue;
            }
            for half in [false, true] {
                let img = if half {
                    let mut s = Img {
                        w: img.w / 2,
                        h: img.h / 2,
                        px: vec![0; img.w / 2 * (img.h / 2)],
                    };
                    s.place(&img, 0, 0, img.w / 2, img.h / 2);
                    s
                } else {
                    img.clone()
                };
                for (i, n) in names.iter().enumerate().take(4) {
                    let mut ms = Vec::new();
                    let mut ok = false;
                    for _ in 0..runs {
                        let t = Instant::now();
                        ok = bench::decode_luma_steps(&img.frame(), &[i]).is_ok();
                        ms.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                    ms.sort_by(f64::total_cmp);
                    println!(
                        "{name:<40} {}x{} {n:<26} {:>7.2} ms {ok}",
                        img.w,
                        img.h,
                        pct(&ms, 0.5)
                    );
                }
            }
        }
    }
    if mode == "corpus" || mode == "all" {
        corpus_rate(&corpus, 1280, 720, 0.9);
        corpus_rate(&corpus, 1280, 720, 0.5);
        corpus_rate(&corpus, 1920, 1080, 0.6);
    }
}
