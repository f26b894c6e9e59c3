//! Held-out synthetic inputs: codes rendered with the `qrcode` crate, then distorted the way
//! phone cameras and screenshots distort them (perspective, scale, noise, blur, low contrast,
//! inversion, JPEG, a large busy frame, several codes). The cascade was tuned on the photo corpus,
//! never on these.

mod scene_common;

use kunci::{decode_image, decode_luma, QrPayload, ScanEffort};
use scene_common::{Img, Rng};

const TOTP: &str =
    "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
const HOTP: &str =
    "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&counter=7";

/// A long Google Authenticator export URI (about 10 accounts' worth of data).
fn migration_uri() -> String {
    let mut rng = Rng(0x9e37_79b9);
    let data: String = (0..600)
        .map(|_| {
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%";
            char::from(alphabet[(rng.next() % alphabet.len() as u32) as usize])
        })
        .collect();
    format!("otpauth-migration://offline?data={data}")
}

impl Img {
    /// The code as modules (true = dark), quiet zone included: (modules, side in modules).
    fn code(text: &str, module_px: usize) -> Img {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width();
        let colors = code.to_colors();
        let side = (n + 8) * module_px;
        let mut img = Img::filled(side, side, 255);
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / module_px, y / module_px);
                if (4..n + 4).contains(&mx)
                    && (4..n + 4).contains(&my)
                    && colors[(my - 4) * n + mx - 4] == qrcode::Color::Dark
                {
                    img.px[y * side + x] = 0;
                }
            }
        }
        img
    }

    fn paste(&mut self, src: &Img, x0: usize, y0: usize) {
        for y in 0..src.h {
            let d = (y0 + y) * self.w + x0;
            self.px[d..d + src.w].copy_from_slice(&src.px[y * src.w..(y + 1) * src.w]);
        }
    }

    fn box_blur(&self, r: usize) -> Img {
        let mut out = self.clone();
        for y in 0..self.h {
            for x in 0..self.w {
                let (mut s, mut n) = (0u32, 0u32);
                for yy in y.saturating_sub(r)..(y + r + 1).min(self.h) {
                    for xx in x.saturating_sub(r)..(x + r + 1).min(self.w) {
                        s += u32::from(self.px[yy * self.w + xx]);
                        n += 1;
                    }
                }
                out.px[y * self.w + x] = (s / n) as u8;
            }
        }
        out
    }

    /// Maps black to `lo` and white to `hi` (washed-out print, glare, dim screen).
    fn contrast(&self, lo: u8, hi: u8) -> Img {
        let mut out = self.clone();
        out.px
            .iter_mut()
            .for_each(|v| *v = (u32::from(lo) + u32::from(*v) * u32::from(hi - lo) / 255) as u8);
        out
    }

    /// A horizontal lighting gradient (a lamp on one side).
    fn shade(&self, from: f64, to: f64) -> Img {
        let mut out = self.clone();
        for y in 0..self.h {
            for x in 0..self.w {
                let k = from + (to - from) * x as f64 / self.w as f64;
                let v = &mut out.px[y * self.w + x];
                *v = (f64::from(*v) * k).clamp(0.0, 255.0) as u8;
            }
        }
        out
    }

    fn invert(&self) -> Img {
        let mut out = self.clone();
        out.px.iter_mut().for_each(|v| *v = 255 - *v);
        out
    }

    fn decode(&self, effort: ScanEffort) -> Vec<QrPayload> {
        decode_luma(&self.frame(), effort).unwrap_or_default()
    }

    fn jpeg(&self, quality: u8) -> Vec<u8> {
        let img =
            image::GrayImage::from_raw(self.w as u32, self.h as u32, self.px.clone()).unwrap();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&img)
            .unwrap();
        out
    }
}

fn texts(p: &[QrPayload]) -> Vec<String> {
    let mut t: Vec<String> = p.iter().filter_map(|p| p.text.clone()).collect();
    t.sort();
    t
}

/// Runs each case and reports all failures at once.
fn check(cases: Vec<(String, Vec<QrPayload>, Vec<String>)>) {
    let mut failures = Vec::new();
    let n = cases.len();
    for (name, got, mut want) in cases {
        want.sort();
        let got_t = texts(&got);
        if got_t != want {
            failures.push(format!("{name}: got {got_t:?}"));
        }
    }
    println!("synthetic: {}/{} cases read exactly", n - failures.len(), n);
    assert!(
        failures.is_empty(),
        "{} of {n} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn perspective_scale_noise_blur_contrast() {
    let mig = migration_uri();
    let mut cases = Vec::new();
    for (ti, text) in [TOTP, HOTP, mig.as_str()].into_iter().enumerate() {
        let code = Img::code(text, 4);
        // Perspective-ish placements inside an 800 x 600 grey frame.
        let quads: [[(f64, f64); 4]; 4] = [
            [
                (150.0, 80.0),
                (620.0, 110.0),
                (600.0, 560.0),
                (170.0, 520.0),
            ],
            [(200.0, 50.0), (560.0, 50.0), (640.0, 560.0), (120.0, 560.0)],
            [(300.0, 40.0), (700.0, 300.0), (420.0, 580.0), (40.0, 330.0)],
            [
                (250.0, 150.0),
                (560.0, 170.0),
                (540.0, 470.0),
                (240.0, 450.0),
            ],
        ];
        for (qi, quad) in quads.iter().enumerate() {
            let mut frame = Img::filled(800, 600, 200);
            frame.warp_in(&code, *quad);
            cases.push((format!("text{ti} quad{qi}"), frame.clone()));
            cases.push((
                format!("text{ti} quad{qi} noise"),
                frame.noisy(18, 7 + qi as u32),
            ));
            cases.push((format!("text{ti} quad{qi} blur"), frame.box_blur(1)));
            cases.push((
                format!("text{ti} quad{qi} low contrast"),
                frame.contrast(70, 170),
            ));
            cases.push((format!("text{ti} quad{qi} shade"), frame.shade(1.0, 0.35)));
            cases.push((
                format!("text{ti} quad{qi} inverted"),
                frame.invert().noisy(10, 3),
            ));
        }
        // Small codes (2 px per module) and big ones.
        let small = Img::code(text, 2);
        let mut f = Img::filled(small.w + 100, small.h + 80, 255);
        f.paste(&small, 50, 40);
        cases.push((format!("text{ti} 2px modules"), f));
        let big = Img::code(text, 12).noisy(20, 11);
        cases.push((format!("text{ti} 12px modules"), big));
    }
    let cases = cases
        .into_iter()
        .map(|(name, img)| {
            let want = if name.starts_with("text0") {
                TOTP.to_string()
            } else if name.starts_with("text1") {
                HOTP.to_string()
            } else {
                mig.clone()
            };
            (name, img.decode(ScanEffort::Thorough), vec![want])
        })
        .collect();
    check(cases);
}

#[test]
fn large_busy_frame_two_codes_and_jpeg() {
    let mig = migration_uri();
    let mut cases = Vec::new();

    // A 12 MP photo with a tilted code on a busy background (downscaled before decoding).
    let mut photo = Img::busy(4000, 3000, 5);
    let code = Img::code(TOTP, 8);
    photo.warp_in(
        &code,
        [
            (1500.0, 900.0),
            (2300.0, 950.0),
            (2280.0, 1800.0),
            (1480.0, 1760.0),
        ],
    );
    cases.push((
        "12 MP busy photo".into(),
        photo.decode(ScanEffort::Thorough),
        vec![TOTP.into()],
    ));
    cases.push((
        "12 MP busy photo, camera frame".into(),
        photo.decode(ScanEffort::Frame),
        vec![TOTP.into()],
    ));

    // A 1080p camera frame, noisy, code in a corner.
    let mut cam = Img::busy(1920, 1080, 9);
    let code = Img::code(HOTP, 5);
    cam.warp_in(
        &code,
        [
            (1300.0, 500.0),
            (1750.0, 520.0),
            (1740.0, 980.0),
            (1290.0, 960.0),
        ],
    );
    let cam = cam.noisy(8, 13);
    cases.push((
        "1080p frame".into(),
        cam.decode(ScanEffort::Frame),
        vec![HOTP.into()],
    ));

    // Two codes side by side, as on a Google export screen, and three in a row.
    let (a, b) = (Img::code(TOTP, 4), Img::code(HOTP, 4));
    let mut two = Img::filled(a.w + b.w + 60, a.h.max(b.h) + 40, 255);
    two.paste(&a, 20, 20);
    two.paste(&b, a.w + 40, 20);
    cases.push((
        "two codes".into(),
        two.decode(ScanEffort::Thorough),
        vec![TOTP.into(), HOTP.into()],
    ));
    let two_noisy = two.noisy(15, 21).box_blur(1);
    cases.push((
        "two codes, noisy and blurred".into(),
        two_noisy.decode(ScanEffort::Thorough),
        vec![TOTP.into(), HOTP.into()],
    ));
    let two_dark = two.invert();
    cases.push((
        "two codes, dark mode".into(),
        two_dark.decode(ScanEffort::Thorough),
        vec![TOTP.into(), HOTP.into()],
    ));
    let c = Img::code(&mig, 3);
    let mut three = Img::filled(a.w + b.w + c.w + 80, a.h.max(b.h).max(c.h) + 40, 240);
    three.paste(&a, 20, 20);
    three.paste(&b, a.w + 40, 20);
    three.paste(&c, a.w + b.w + 60, 20);
    cases.push((
        "three codes".into(),
        three.decode(ScanEffort::Thorough),
        vec![TOTP.into(), HOTP.into(), mig.clone()],
    ));

    // JPEG screenshots through decode_image.
    for q in [35u8, 70] {
        let jpg = Img::code(&mig, 3).noisy(6, 2).jpeg(q);
        cases.push((
            format!("migration JPEG q{q}"),
            decode_image(&jpg).unwrap_or_default(),
            vec![mig.clone()],
        ));
    }
    let mut shot = Img::filled(1080, 2340, 250); // a phone screenshot, dark mode code
    shot.paste(&Img::code(&mig, 7).invert(), 60, 700);
    cases.push((
        "dark-mode phone screenshot JPEG".into(),
        decode_image(&shot.jpeg(80)).unwrap_or_default(),
        vec![mig.clone()],
    ));

    check(cases);
}
