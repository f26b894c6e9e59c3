//! The in-process half of `scripts/bench`: Kunci's own numbers, printed as one JSON object per
//! subcommand on stdout (progress on stderr). The script runs the peers (zxing-cpp, zbar) on the
//! very same raw luma files that `prepare` writes, so every engine sees identical pixels.
//!
//! ```text
//! bench_suite prepare CORPUS OUT     corpus -> OUT/luma/*.raw + OUT/luma/manifest.json,
//!                                    camera frames -> OUT/frames/*.raw + manifest.json,
//!                                    a 12 MP colour JPEG -> OUT/photo12mp.jpg
//! bench_suite qr OUT REPS            decode_luma(Thorough) and rqrr alone on every corpus plane
//! bench_suite frames OUT REPS        decode_luma(Frame) on every camera frame
//! bench_suite codes RUNS             all codes for 10 / 1k / 10k accounts vs raw HMAC-SHA1
//! bench_suite sync RUNS              TrustedClock::sync against 4 fake NTP servers, 0 / 1 silent
//! bench_suite rss FILE               peak RSS of decode_image on FILE (VmHWM, /proc/self/status)
//! ```
//!
//! Times come from `std::time::Instant` here, in the harness; the library never reads the clock.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kunci::testkit::{bench, FakeNtpServer, MemoryTimeStore, Misbehaviour};
use kunci::{LumaFrame, QrPayload, ScanEffort};
use serde_json::{json, Value};

#[path = "common/corpus.rs"]
mod corpus;

fn main() {
    // rqrr panics on some corpus images; the library catches it, the default hook would still
    // print a backtrace note per image. One line is enough.
    std::panic::set_hook(Box::new(|info| eprintln!("    (caught) panic: {info}")));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> &str {
        args.get(i)
            .map(String::as_str)
            .unwrap_or_else(|| usage("missing argument"))
    };
    let num = |i: usize| -> usize { arg(i).parse().unwrap_or_else(|_| usage("not a number")) };
    let out = match arg(0) {
        "prepare" => prepare(Path::new(arg(1)), Path::new(arg(2))),
        "qr" => qr_corpus(Path::new(arg(1)), num(2)),
        "frames" => frames(Path::new(arg(1)), num(2)),
        "codes" => codes(num(1)),
        "sync" => sync(num(1)),
        "rss" => rss(Path::new(arg(1))),
        _ => usage("unknown subcommand"),
    };
    println!("{out}");
}

fn usage(why: &str) -> ! {
    eprintln!("bench_suite: {why}; see the comment at the top of core/examples/bench_suite.rs");
    std::process::exit(2)
}

// ---------------------------------------------------------------------------------------------
// Small statistics helpers.

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank quantile of an unsorted sample.
fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// A deterministic xorshift32, so every run builds the same frames.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// prepare: decode every picture to luma once; build camera frames and the 12 MP photo.

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn prepare(corpus: &Path, out: &Path) -> Value {
    let luma_dir = out.join("luma");
    let frame_dir = out.join("frames");
    std::fs::create_dir_all(&luma_dir).expect("mkdir luma");
    std::fs::create_dir_all(&frame_dir).expect("mkdir frames");
    let files = corpus::images(corpus);
    let mut entries = Vec::new();
    let mut planes: Vec<(Vec<u8>, u32, u32)> = Vec::new();
    for (i, p) in files.iter().enumerate() {
        let bytes = std::fs::read(p).expect("read image");
        let (luma, w, h) = bench::image_to_luma(&bytes).expect("decodable corpus image");
        let raw = format!("{i:04}.raw");
        std::fs::write(luma_dir.join(&raw), &luma).expect("write raw");
        // The expected text, byte for byte (several contain \r\n), as hex.
        let expected = std::fs::read(p.with_extension("txt")).expect("expected .txt");
        let expected_bin = std::fs::read(p.with_extension("bin")).ok();
        let name = p.strip_prefix(corpus).unwrap_or(p).display().to_string();
        // A second code that is right too: the inner code of the double QR photo.
        let also_prefix =
            (name == corpus::DOUBLE_QR).then(|| hex(corpus::DOUBLE_QR_INNER.as_bytes()));
        entries.push(json!({
            "name": name,
            "also_prefix_hex": also_prefix,
            "source": p.display().to_string(),
            "raw": raw, "width": w, "height": h,
            "expected_hex": hex(&expected),
            "expected_bin_hex": expected_bin.as_deref().map(hex),
        }));
        planes.push((luma, w, h));
    }
    write_json(
        &luma_dir.join("manifest.json"),
        &json!({ "images": entries }),
    );

    // Camera frames: a smooth background (uneven light, vignetting) with sensor noise of a phone
    // camera after its denoiser (uniform +-6, sigma ~3.5), with and without a corpus photo pasted
    // in the middle at about 60 % of the frame height.
    let picks: Vec<usize> = (0..8).map(|k| k * planes.len() / 8).collect();
    let mut frames = Vec::new();
    for (fw, fh, label) in [(1280u32, 720u32, "720p"), (1920, 1080, "1080p")] {
        for seed in 0..4u32 {
            let px = background(fw, fh, seed);
            let raw = format!("{label}-none-{seed}.raw");
            std::fs::write(frame_dir.join(&raw), &px).expect("write frame");
            frames.push(json!({"raw": raw, "width": fw, "height": fh, "size": label,
                "code": false, "expected_hex": null, "from": null}));
        }
        for (k, &i) in picks.iter().enumerate() {
            let mut px = background(fw, fh, 100 + k as u32);
            let (luma, w, h) = &planes[i];
            paste(&mut px, fw, fh, luma, *w, *h, 100 + k as u32);
            let raw = format!("{label}-code-{k}.raw");
            std::fs::write(frame_dir.join(&raw), &px).expect("write frame");
            frames.push(json!({"raw": raw, "width": fw, "height": fh, "size": label,
                "code": true, "expected_hex": entries[i]["expected_hex"],
                "from": entries[i]["name"]}));
        }
    }
    write_json(
        &frame_dir.join("manifest.json"),
        &json!({ "frames": frames }),
    );

    // A 12 MP colour photo: the largest corpus photo, upscaled to 4000 x 3000, JPEG quality 90.
    let biggest = (0..planes.len())
        .max_by_key(|&i| u64::from(planes[i].1) * u64::from(planes[i].2))
        .expect("non-empty corpus");
    let img = image::open(&files[biggest])
        .expect("open biggest")
        .to_rgb8();
    let big = image::imageops::resize(&img, 4000, 3000, image::imageops::FilterType::Triangle);
    let photo = out.join("photo12mp.jpg");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&photo).expect("create jpg"));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 90)
        .encode_image(&big)
        .expect("encode jpg");
    drop(f);
    eprintln!(
        "prepared {} planes, {} frames, {}",
        planes.len(),
        frames.len(),
        photo.display()
    );
    json!({"images": planes.len(), "frames": frames.len(),
        "photo12mp": {"file": photo.display().to_string(),
            "from": files[biggest].display().to_string(), "width": 4000, "height": 3000}})
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).expect("json")).expect("write json");
}

fn background(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9 ^ seed.wrapping_mul(0x85eb_ca6b) | 1);
    let (cx, cy) = (w as f32 * 0.4, h as f32 * 0.45);
    let r2 = (w as f32).hypot(h as f32).powi(2) / 4.0;
    let mut px = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let d2 = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2);
            let base = 170.0 - 90.0 * (d2 / r2).min(1.0) + 20.0 * (y as f32 / h as f32);
            let noise = (rng.next() >> 24) as f32 / 255.0 * 12.0 - 6.0;
            px.push((base + noise).clamp(0.0, 255.0) as u8);
        }
    }
    px
}

/// Pastes `src` scaled (bilinear) to 60 % of the frame height, slightly off-centre, with the
/// same sensor noise as the background.
fn paste(dst: &mut [u8], fw: u32, fh: u32, src: &[u8], sw: u32, sh: u32, seed: u32) {
    let img = image::GrayImage::from_raw(sw, sh, src.to_vec()).expect("plane");
    let th = fh * 6 / 10;
    let tw = (u64::from(sw) * u64::from(th) / u64::from(sh)).min(u64::from(fw) * 9 / 10) as u32;
    let scaled = image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle);
    let (ox, oy) = ((fw - tw) / 2 + fw / 20, (fh - th) / 2);
    let mut rng = Rng(0x2545_f491 ^ seed | 1);
    for y in 0..th {
        for x in 0..tw {
            let noise = (rng.next() >> 24) as f32 / 255.0 * 12.0 - 6.0;
            let v = f32::from(scaled.get_pixel(x, y).0[0]) + noise;
            dst[((oy + y) * fw + ox + x) as usize] = v.clamp(0.0, 255.0) as u8;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// qr and frames: decode the raw planes.

struct Plane {
    name: String,
    luma: Vec<u8>,
    w: u32,
    h: u32,
    expected: Option<Vec<u8>>,
    expected_bin: Option<Vec<u8>>,
    /// A second payload that is right too (it begins with these bytes): a nested code.
    also_prefix: Option<Vec<u8>>,
}

impl Plane {
    fn frame(&self) -> LumaFrame<'_> {
        LumaFrame {
            width: self.w,
            height: self.h,
            row_stride: self.w,
            bytes: &self.luma,
        }
    }

    /// (read the expected payload, read something else).
    fn judge(&self, got: &[QrPayload]) -> (bool, bool) {
        let Some(want) = &self.expected else {
            return (false, !got.is_empty());
        };
        let ok = |p: &QrPayload| {
            p.text.as_deref().map(str::as_bytes) == Some(&want[..])
                || self.expected_bin.as_deref() == Some(&p.bytes[..])
        };
        (
            got.iter().any(ok),
            got.iter().any(|p| !ok(p) && !self.is_also(p)),
        )
    }

    /// The nested code of a picture that holds two.
    fn is_also(&self, p: &QrPayload) -> bool {
        // Compared as text (the payload bytes may be Shift-JIS), else as bytes.
        self.also_prefix.as_deref().is_some_and(|a| {
            p.text
                .as_deref()
                .map(str::as_bytes)
                .unwrap_or(&p.bytes)
                .starts_with(a)
        })
    }
}

fn load_planes(dir: &Path, list: &str) -> Vec<(Plane, Value)> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("manifest json");
    manifest[list]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            let luma = std::fs::read(dir.join(e["raw"].as_str().expect("raw"))).expect("raw");
            let plane = Plane {
                name: e
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| e["raw"].as_str().unwrap_or_default())
                    .to_string(),
                luma,
                w: e["width"].as_u64().expect("width") as u32,
                h: e["height"].as_u64().expect("height") as u32,
                expected: e["expected_hex"].as_str().map(unhex),
                expected_bin: e["expected_bin_hex"].as_str().map(unhex),
                also_prefix: e["also_prefix_hex"].as_str().map(unhex),
            };
            (plane, e.clone())
        })
        .collect()
}

/// Runs `decode` REPS times over every plane (rep-major, so a burst of load hits all images
/// alike) and returns per-plane median times in ms and whether each plane was read.
fn time_planes(
    planes: &[(Plane, Value)],
    reps: usize,
    decode: impl Fn(&LumaFrame) -> Vec<QrPayload>,
) -> (Vec<f64>, Vec<bool>, usize) {
    let mut times = vec![Vec::new(); planes.len()];
    let mut read = vec![false; planes.len()];
    let mut wrong = 0;
    for rep in 0..reps.max(1) {
        for (i, (p, _)) in planes.iter().enumerate() {
            let t = Instant::now();
            let got = decode(&p.frame());
            times[i].push(ms(t.elapsed()));
            if rep == 0 {
                let (r, x) = p.judge(&got);
                read[i] = r;
                if x {
                    wrong += 1;
                    eprintln!("    unexpected payload in {}: {:?}", p.name, got);
                }
            }
        }
    }
    (times.iter().map(|t| median(t)).collect(), read, wrong)
}

fn engine_summary(name: &str, per: &[f64], read: &[bool], wrong: usize) -> Value {
    let read_ms: Vec<f64> = per
        .iter()
        .zip(read)
        .filter(|(_, &r)| r)
        .map(|(&t, _)| t)
        .collect();
    json!({
        "engine": name, "images": per.len(),
        "read": read.iter().filter(|&&r| r).count(), "wrong": wrong,
        "median_ms": median(per), "p90_ms": quantile(per, 0.9),
        "mean_ms": per.iter().sum::<f64>() / per.len().max(1) as f64,
        "median_ms_read": median(&read_ms),
    })
}

/// A what-if's summary with its per-picture times, so that `bench-rounds.py` can take the
/// per-picture median over rounds and summarise it the way it does the shipped cascade.
fn what_if(name: &str, per: &[f64], read: &[bool], wrong: usize) -> Value {
    let mut v = engine_summary(name, per, read, wrong);
    v["per_image_ms"] = json!(per);
    v["per_image_read"] = json!(read);
    v
}

fn qr_corpus(out: &Path, reps: usize) -> Value {
    let planes = load_planes(&out.join("luma"), "images");
    eprintln!("kunci decode_luma(Thorough) on {} planes", planes.len());
    let (kt, kr, kw) = time_planes(&planes, reps, |f| {
        kunci::decode_luma(f, ScanEffort::Thorough).unwrap_or_default()
    });
    eprintln!("rqrr alone");
    let (rt, rr, rw) = time_planes(&planes, reps, bench::rqrr_alone);
    // What-if, beside the shipped order: the order before (rxing's global binarizer before our
    // local threshold), and rxing's hybrid pass alone, the floor of any cascade that starts
    // with it.
    let names = bench::step_names();
    let before = bench::thorough_steps_before();
    eprintln!("what-if: the cascade in its previous order");
    let (xt, xr, xw) = time_planes(&planes, reps, |f| {
        bench::decode_luma_steps(f, &before).unwrap_or_default()
    });
    let (ht, hr, hw) = time_planes(&planes, reps, |f| {
        bench::decode_luma_steps(f, &[1]).unwrap_or_default()
    });
    // Pictures with two codes: how many gave both (the expected one and the nested one).
    let nested: Vec<&Plane> = planes
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.also_prefix.is_some())
        .collect();
    let both = nested
        .iter()
        .filter(|p| {
            let got = kunci::decode_luma(&p.frame(), ScanEffort::Thorough).unwrap_or_default();
            p.judge(&got).0 && got.iter().any(|g| p.is_also(g))
        })
        .count();
    let per_image: Vec<Value> = planes
        .iter()
        .enumerate()
        .map(|(i, (p, _))| {
            json!({"name": p.name, "kunci_ms": kt[i], "kunci_read": kr[i],
            "rqrr_ms": rt[i], "rqrr_read": rr[i]})
        })
        .collect();
    json!({
        "reps": reps,
        "nested": {"pictures": nested.len(), "kunci_both": both},
        "engines": [engine_summary("kunci", &kt, &kr, kw), engine_summary("rqrr", &rt, &rr, rw)],
        "what_if": [
            what_if("kunci cascade with rxing's global pass before the local threshold (the order before this one)", &xt, &xr, xw),
            what_if(&format!("{} alone", names[1]), &ht, &hr, hw),
        ],
        "per_image": per_image,
    })
}

fn frames(out: &Path, reps: usize) -> Value {
    let planes = load_planes(&out.join("frames"), "frames");
    eprintln!("kunci decode_luma(Frame) on {} frames", planes.len());
    let (t, r, w) = time_planes(&planes, reps, |f| {
        kunci::decode_luma(f, ScanEffort::Frame).unwrap_or_default()
    });
    // What-if: the Frame passes without rqrr (rxing, rxing inverted), to show its share.
    eprintln!("what-if: Frame passes without rqrr");
    let (xt, xr, _) = time_planes(&planes, reps, |f| {
        bench::decode_luma_steps(f, &[1, 2]).unwrap_or_default()
    });
    let per_frame: Vec<Value> = planes
        .iter()
        .enumerate()
        .map(|(i, (p, e))| {
            json!({"raw": p.name, "size": e["size"], "code": e["code"],
            "ms": t[i], "read": r[i], "no_rqrr_ms": xt[i], "no_rqrr_read": xr[i]})
        })
        .collect();
    json!({"reps": reps, "wrong": w, "per_frame": per_frame})
}

// ---------------------------------------------------------------------------------------------
// codes: the "all codes" screen against the HMAC-SHA1 floor.

fn codes(runs: usize) -> Value {
    use hmac::{Hmac, Mac};
    use kunci::OtpParams;
    use kunci::Secret;
    use kunci::{AccountDraft, KdfParams, OnConflict, Vault};

    const NOW: u64 = 1_700_000_000;
    let dir = std::env::temp_dir().join(format!("kunci-bench-codes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pass = Secret::from_slice(b"benchmark passphrase");
    let secret = |i: usize| -> Vec<u8> { (0..20).map(|b| (b + i) as u8).collect() };
    let mut rows = Vec::new();
    for n in [10usize, 1_000, 10_000] {
        let path = dir.join(format!("n{n}.kunci"));
        let v =
            Vault::create(&path, &pass, KdfParams::INSECURE_FOR_TESTS, NOW as i64).expect("create");
        let drafts = (0..n)
            .map(|i| AccountDraft {
                issuer: format!("Issuer {i}"),
                name: format!("user{i}@example.org"),
                params: OtpParams::totp(Secret::new(secret(i))),
                notes: String::new(),
                group: None,
                icon: None,
            })
            .collect();
        v.add_all(drafts, OnConflict::KeepBoth, NOW as i64)
            .expect("add");
        drop(v);
        let secrets: Vec<Vec<u8>> = (0..n).map(secret).collect();
        let (mut open, mut list, mut code, mut floor1, mut floor3) =
            (vec![], vec![], vec![], vec![], vec![]);
        let (mut fused_open, mut fused) = (vec![], vec![]);
        for _ in 0..runs.max(1) {
            let t0 = Instant::now();
            let vault = Vault::open_with_passphrase(&path, &pass).expect("open");
            let t1 = Instant::now();
            let accounts = vault.list().expect("list");
            let t2 = Instant::now();
            let mut chars = 0;
            for a in &accounts.accounts {
                chars += a.params.view_at(NOW).expect("code").code.len();
            }
            let t3 = Instant::now();
            assert!(accounts.failures.is_empty() && chars == 6 * n);
            drop(vault);
            // What the all-codes screen does (`Authenticator.codes`): each code is computed on
            // the thread that unsealed its row.
            let f0 = Instant::now();
            let vault = Vault::open_with_passphrase(&path, &pass).expect("open");
            let f1 = Instant::now();
            let sheet = vault
                .list_with(|a| a.params.view_at(NOW).map(|v| v.code.len()))
                .expect("list_with");
            let f2 = Instant::now();
            let chars: usize = sheet
                .accounts
                .iter()
                .map(|(_, c)| *c.as_ref().expect("code"))
                .sum();
            assert!(sheet.failures.is_empty() && chars == 6 * n);
            drop(vault);
            fused_open.push(ms(f1 - f0));
            fused.push(ms(f2 - f1));
            // The floor: HMAC-SHA1 + RFC 4226 truncation over the same secrets, once per account
            // (the current code) and three times (previous, current, next: what view_at shows).
            let hotp = |key: &[u8], counter: u64| -> u32 {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("any key length");
                mac.update(&counter.to_be_bytes());
                let d = mac.finalize().into_bytes();
                let o = usize::from(d[19] & 0x0f);
                (u32::from_be_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]]) & 0x7fff_ffff) % 1_000_000
            };
            let step = NOW / 30;
            let t4 = Instant::now();
            let mut acc = 0u32;
            for s in &secrets {
                acc = acc.wrapping_add(hotp(std::hint::black_box(s), step));
            }
            let t5 = Instant::now();
            for s in &secrets {
                for c in [step - 1, step, step + 1] {
                    acc = acc.wrapping_add(hotp(std::hint::black_box(s), c));
                }
            }
            let t6 = Instant::now();
            std::hint::black_box(acc);
            open.push(ms(t1 - t0));
            list.push(ms(t2 - t1));
            code.push(ms(t3 - t2));
            floor1.push(ms(t5 - t4));
            floor3.push(ms(t6 - t5));
        }
        let total: Vec<f64> = (0..open.len())
            .map(|i| open[i] + list[i] + code[i])
            .collect();
        let fused_total: Vec<f64> = (0..fused.len()).map(|i| fused_open[i] + fused[i]).collect();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "{n} accounts: open {:.2} ms, list {:.2} ms, codes {:.2} ms, hmac x3 {:.2} ms",
            median(&open),
            median(&list),
            median(&code),
            median(&floor3)
        );
        rows.push(json!({
            "accounts": n, "runs": runs, "file_bytes": size,
            "open_ms": median(&open), "list_ms": median(&list), "codes_ms": median(&code),
            "total_ms": median(&total), "hmac1_ms": median(&floor1), "hmac3_ms": median(&floor3),
            "list_codes_ms": median(&fused), "open_list_codes_ms": median(&fused_total),
        }));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (a, b) = (&rows[0], &rows[rows.len() - 1]);
    let dn = (b["accounts"].as_u64().unwrap_or(0) - a["accounts"].as_u64().unwrap_or(0)) as f64;
    let per = |k: &str| {
        (b[k].as_f64().unwrap_or(f64::NAN) - a[k].as_f64().unwrap_or(f64::NAN)) * 1e3 / dn
    };
    json!({
        "rows": rows,
        "per_extra_account_us": {
            "codes": per("codes_ms"),
            "list": per("list_ms"),
            "open": per("open_ms"),
            "total": per("total_ms"),
            "list_codes": per("list_codes_ms"),
            "open_list_codes": per("open_list_codes_ms"),
            "hmac1": per("hmac1_ms"),
            "hmac3": per("hmac3_ms"),
        },
    })
}

// ---------------------------------------------------------------------------------------------
// sync: TrustedClock against fake servers on loopback.

fn sync(runs: usize) -> Value {
    use kunci::{
        SyncConfig, SyncStatus, SystemBootClock, SystemWallClock, TrustedClock, WallClock,
    };
    let mut out = Vec::new();
    for silent in [0usize, 1] {
        let wall: Arc<dyn WallClock> = Arc::new(SystemWallClock);
        let servers: Vec<FakeNtpServer> = (0..4)
            .map(|i| {
                let m = if i < silent {
                    Misbehaviour::Silent
                } else {
                    Misbehaviour::None
                };
                FakeNtpServer::spawn(wall.clone(), 0, m).expect("bind 127.0.0.1")
            })
            .collect();
        let mut took = Vec::new();
        let mut worst_err: u64 = 0;
        for _ in 0..runs.max(1) {
            let clock = TrustedClock::new(
                Arc::new(SystemBootClock::new()),
                Arc::new(SystemWallClock),
                Arc::new(MemoryTimeStore::new()),
                // Only the four loopback servers: the defaults add public Roughtime servers
                // (and HTTPS URLs), which a benchmark must not ask and whose silence here would
                // keep the majority rule waiting for their timeout.
                SyncConfig {
                    ntp_servers: servers.iter().map(FakeNtpServer::name).collect(),
                    https_urls: Vec::new(),
                    roughtime_servers: Vec::new(),
                    ..SyncConfig::default()
                },
            );
            let t = Instant::now();
            let report = clock.sync().expect("sync");
            took.push(t.elapsed().as_secs_f64());
            assert_eq!(report.status, SyncStatus::Synced, "{report:?}");
            worst_err = worst_err.max(report.offset_ms.unsigned_abs());
        }
        eprintln!(
            "sync, 4 servers, {silent} silent: median {:.3} s",
            median(&took)
        );
        out.push(json!({"servers": 4, "silent": silent, "runs": took.len(),
            "median_s": median(&took), "max_s": quantile(&took, 1.0),
            "max_abs_offset_error_ms": worst_err}));
        for s in servers {
            s.stop();
        }
    }
    json!({ "cases": out })
}

// ---------------------------------------------------------------------------------------------
// rss: peak resident memory while decoding one picture.

/// (VmRSS, VmHWM) in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn rss(file: &Path) -> Value {
    let (base_rss, base_hwm) = rss_kib();
    let bytes = std::fs::read(file).expect("read picture");
    let (after_read, _) = rss_kib();
    let t = Instant::now();
    let got = kunci::decode_image(&bytes);
    let took = t.elapsed();
    let (_, peak) = rss_kib();
    json!({
        "file": file.display().to_string(), "file_bytes": bytes.len(),
        "baseline_rss_kib": base_rss, "baseline_hwm_kib": base_hwm,
        "after_read_rss_kib": after_read, "peak_hwm_kib": peak,
        "above_baseline_kib": peak.saturating_sub(base_rss),
        "decode_ms": ms(took), "payloads": got.map(|v| v.len()).unwrap_or(0),
    })
}
