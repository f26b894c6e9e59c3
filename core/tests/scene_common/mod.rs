//! Synthetic camera scenes for the QR tests and the frame experiments (`examples/qr_frames.rs`
//! includes this file too): a grey image, deterministic noise, perspective warps and a busy
//! background. What only one of them needs stays there, in its own `impl Img`.
#![allow(dead_code)]

use kunci::LumaFrame;

/// xorshift32: deterministic noise without a dependency.
pub struct Rng(pub u32);
impl Rng {
    pub fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    /// Roughly normal, mean 0, in [-2*amp, 2*amp].
    pub fn noise(&mut self, amp: i32) -> i32 {
        if amp == 0 {
            return 0;
        }
        let s: i32 = (0..4)
            .map(|_| (self.next() % (amp as u32 + 1)) as i32)
            .sum();
        s - 2 * amp
    }
}

#[derive(Clone)]
pub struct Img {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Img {
    pub fn filled(w: usize, h: usize, v: u8) -> Img {
        Img {
            w,
            h,
            px: vec![v; w * h],
        }
    }

    pub fn at(&self, x: f64, y: f64) -> Option<f64> {
        if x < 0.0 || y < 0.0 || x > (self.w - 1) as f64 || y > (self.h - 1) as f64 {
            return None;
        }
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let p = |x: usize, y: usize| f64::from(self.px[y * self.w + x]);
        let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
        let bot = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
        Some(top * (1.0 - fy) + bot * fy)
    }

    /// Draws `src` onto `self` so that its corners land on `quad` (TL, TR, BR, BL): a
    /// perspective warp, bilinear sampling.
    pub fn warp_in(&mut self, src: &Img, quad: [(f64, f64); 4]) {
        let m = square_to_quad(quad);
        let inv = invert3(m);
        for y in 0..self.h {
            for x in 0..self.w {
                let (xf, yf) = (x as f64 + 0.5, y as f64 + 0.5);
                let w = inv[6] * xf + inv[7] * yf + inv[8];
                let u = (inv[0] * xf + inv[1] * yf + inv[2]) / w;
                let v = (inv[3] * xf + inv[4] * yf + inv[5]) / w;
                if let Some(val) = src.at(u * src.w as f64 - 0.5, v * src.h as f64 - 0.5) {
                    self.px[y * self.w + x] = val.round() as u8;
                }
            }
        }
    }

    pub fn noisy(&self, amp: i32, seed: u32) -> Img {
        let mut rng = Rng(seed);
        let mut out = self.clone();
        out.px
            .iter_mut()
            .for_each(|v| *v = (i32::from(*v) + rng.noise(amp)).clamp(0, 255) as u8);
        out
    }

    /// A busy background: smooth blobs plus texture, like a desk or a screen behind the code.
    pub fn busy(w: usize, h: usize, seed: u32) -> Img {
        let mut rng = Rng(seed);
        let mut img = Img::filled(w, h, 0);
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f64 / 97.0, y as f64 / 61.0);
                let base = 128.0 + 50.0 * (fx.sin() * fy.cos()) + 30.0 * ((fx + fy) * 0.37).sin();
                img.px[y * w + x] = (base as i32 + rng.noise(12)).clamp(0, 255) as u8;
            }
        }
        img
    }

    /// The image as the luma frame the decoder takes.
    pub fn frame(&self) -> LumaFrame<'_> {
        LumaFrame {
            width: self.w as u32,
            height: self.h as u32,
            row_stride: self.w as u32,
            bytes: &self.px,
        }
    }
}

/// Unit square to quad (Heckbert): row-major 3x3.
pub fn square_to_quad(q: [(f64, f64); 4]) -> [f64; 9] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
        1.0,
    ]
}

pub fn invert3(m: [f64; 9]) -> [f64; 9] {
    let [a, b, c, d, e, f, g, h, i] = m;
    let co = [
        e * i - f * h,
        c * h - b * i,
        b * f - c * e,
        f * g - d * i,
        a * i - c * g,
        c * d - a * f,
        d * h - e * g,
        b * g - a * h,
        a * e - b * d,
    ];
    let det = a * co[0] + b * co[3] + c * co[6];
    co.map(|v| v / det)
}
