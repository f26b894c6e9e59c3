//! An 8-bit grey image and the cheap preprocessing steps of the cascade.
//!
//! Every constructor here takes sizes that were validated by the caller; the helpers never index
//! outside `px` because `px.len() == w * h` is an invariant of [`Gray`].

use std::borrow::Cow;

/// A contiguous 8-bit luma image, `px.len() == w * h`, `w >= 1`, `h >= 1`. The pixels are
/// borrowed when the caller's plane already is the working image (no copy of a whole photo),
/// owned when they were scaled or preprocessed.
#[derive(Clone, Debug)]
pub(crate) struct Gray<'a> {
    pub w: usize,
    pub h: usize,
    pub px: Cow<'a, [u8]>,
}

/// One output row of F x F block means from `acc`, the column sums of F source rows. With F a
/// constant the compiler turns the division into a multiply-shift over whole vectors.
fn block_means<const F: usize>(acc: &[u16], out: &mut [u8]) {
    for (o, c) in out.iter_mut().zip(acc.chunks_exact(F)) {
        let s: u32 = c.iter().map(|&v| u32::from(v)).sum();
        *o = (s / (F * F) as u32) as u8;
    }
}

/// [`block_means`] for any factor up to 64: floor(s / n) == (s * m) >> 32 for s <= 255 n,
/// n < 4096.
fn block_means_any(acc: &[u16], f: usize, out: &mut [u8]) {
    let m = (1u64 << 32) / (f * f) as u64 + 1;
    for (o, c) in out.iter_mut().zip(acc.chunks_exact(f)) {
        let s: u64 = c.iter().map(|&v| u64::from(v)).sum();
        *o = ((s * m) >> 32) as u8;
    }
}

impl Gray<'_> {
    /// Wraps pixels whose length the caller has checked (the measurement hooks build frames).
    #[cfg(any(test, feature = "testkit"))]
    pub fn new(w: usize, h: usize, px: Vec<u8>) -> Option<Gray<'static>> {
        if w == 0 || h == 0 || w.checked_mul(h)? != px.len() {
            return None;
        }
        Some(Gray {
            w,
            h,
            px: px.into(),
        })
    }

    /// Copies a strided plane, box-averaging by the integer `factor` (1 = plain copy).
    /// The caller guarantees `(h - 1) * stride + w <= bytes.len()`.
    ///
    /// Each output row first sums its `factor` source rows into one accumulator row (a straight
    /// add over the row, which the compiler vectorizes), then sums `factor` accumulators per
    /// output pixel and divides by a multiply-shift reciprocal: a camera frame is read once.
    // ok: the only callers are working_image (which checks the bound with checked arithmetic)
    // and shrink (a Gray, whose px.len() == w * h); the fuzz target qr_luma drives both.
    pub fn from_strided(
        bytes: &[u8],
        w: usize,
        h: usize,
        stride: usize,
        factor: usize,
    ) -> Gray<'static> {
        let f = factor.max(1);
        if f == 1 {
            let mut px = Vec::with_capacity(w * h);
            for y in 0..h {
                let start = y * stride;
                px.extend_from_slice(&bytes[start..start + w]);
            }
            return Gray {
                w,
                h,
                px: px.into(),
            };
        }
        let dw = (w / f).max(1);
        let dh = (h / f).max(1);
        // Columns that land in an output pixel (the remainder of `w / f` is dropped, as is the
        // remainder of the rows).
        let cols_used = (dw * f).min(w);
        if f <= 64 && w >= f && h >= f {
            // Full f x f blocks only: the column sums of f rows fit in u16 (64 x 255).
            let mut px = vec![0u8; dw * dh];
            let mut acc = vec![0u16; cols_used];
            for (dy, out) in px.chunks_exact_mut(dw).enumerate() {
                acc.fill(0);
                for y in dy * f..dy * f + f {
                    let row = &bytes[y * stride..y * stride + cols_used];
                    for (a, &v) in acc.iter_mut().zip(row) {
                        *a += u16::from(v);
                    }
                }
                // The factors of camera frames and photos (1080p and 4K frames, 12 MP photos)
                // get a loop of their own, where the division is by a constant.
                match f {
                    2 => block_means::<2>(&acc, out),
                    3 => block_means::<3>(&acc, out),
                    4 => block_means::<4>(&acc, out),
                    _ => block_means_any(&acc, f, out),
                }
            }
            return Gray {
                w: dw,
                h: dh,
                px: px.into(),
            };
        }
        let mut px = Vec::with_capacity(dw * dh);
        let mut acc = vec![0u32; cols_used];
        for dy in 0..dh {
            acc.fill(0);
            let rows = f.min(h - dy * f);
            for y in dy * f..dy * f + rows {
                let row = &bytes[y * stride..y * stride + cols_used];
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += u32::from(v);
                }
            }
            px.extend(acc.chunks(f).map(|c| {
                let s: u64 = c.iter().map(|&v| u64::from(v)).sum();
                (s / (c.len() * rows).max(1) as u64) as u8
            }));
        }
        Gray {
            w: dw,
            h: dh,
            px: px.into(),
        }
    }

    /// Box-downscale by an integer factor.
    pub fn shrink(&self, factor: usize) -> Gray<'static> {
        Gray::from_strided(&self.px, self.w, self.h, self.w, factor)
    }

    /// Bilinear resize by a rational factor `num / den` (used for x2 and x1.5 upscales).
    pub fn scale(&self, num: usize, den: usize) -> Gray<'static> {
        let dw = (self.w * num / den).max(1);
        let dh = (self.h * num / den).max(1);
        let mut px = Vec::with_capacity(dw * dh);
        // Fixed point with 8 fractional bits; source coordinate = (d + 0.5) * den / num - 0.5.
        for dy in 0..dh {
            let sy = (((2 * dy + 1) * den * 256) / (2 * num)).saturating_sub(128);
            let y0 = (sy >> 8).min(self.h - 1);
            let y1 = (y0 + 1).min(self.h - 1);
            let fy = (sy & 255) as u32;
            for dx in 0..dw {
                let sx = (((2 * dx + 1) * den * 256) / (2 * num)).saturating_sub(128);
                let x0 = (sx >> 8).min(self.w - 1);
                let x1 = (x0 + 1).min(self.w - 1);
                let fx = (sx & 255) as u32;
                let p = |x: usize, y: usize| u32::from(self.px[y * self.w + x]);
                let top = p(x0, y0) * (256 - fx) + p(x1, y0) * fx;
                let bot = p(x0, y1) * (256 - fx) + p(x1, y1) * fx;
                px.push(((top * (256 - fy) + bot * fy) >> 16) as u8);
            }
        }
        Gray {
            w: dw,
            h: dh,
            px: px.into(),
        }
    }

    pub fn invert(&self) -> Gray<'static> {
        Gray {
            w: self.w,
            h: self.h,
            px: self.px.iter().map(|&v| 255 - v).collect::<Vec<u8>>().into(),
        }
    }

    /// Local-mean threshold: a pixel darker than the mean of the square window of radius `r`
    /// around it (clipped at the borders; the mean floored) by more than `bias` becomes black
    /// (0), everything else white (255).
    pub fn threshold_local(&self, r: usize, bias: u8) -> Gray<'static> {
        let (w, h, r) = (self.w, self.h, r.max(1));
        // v + bias < floor(sum / n)  <=>  (v + bias + 1) * n <= sum: no division per pixel.
        let pixel = |v: u8, sum: u64, n: u64| {
            if (u64::from(v.saturating_add(bias)) + 1) * n <= sum {
                0
            } else {
                255
            }
        };
        let mut px = Vec::with_capacity(self.px.len());
        // Each column's sum over the window's rows, slid down one row at a time (a row enters,
        // one leaves), then summed along the row: band[x] - band[x0] is a window's sum.
        let mut columns = vec![0u64; w];
        let mut band = vec![0u64; w + 1];
        let row_at = |y: usize| &self.px[y * w..][..w];
        let add = |columns: &mut [u64], row: &[u8]| {
            for (c, &v) in columns.iter_mut().zip(row) {
                *c += u64::from(v);
            }
        };
        for y in 0..r.min(h) {
            add(&mut columns, row_at(y));
        }
        for y in 0..h {
            if y + r < h {
                add(&mut columns, row_at(y + r));
            }
            if y > r {
                for (c, &v) in columns.iter_mut().zip(row_at(y - r - 1)) {
                    *c -= u64::from(v);
                }
            }
            let mut running = 0;
            for (b, &c) in band[1..].iter_mut().zip(&columns) {
                running += c;
                *b = running;
            }
            let ny = ((y + r + 1).min(h) - y.saturating_sub(r)) as u64;
            let row = row_at(y);
            let clipped = |x: usize| {
                let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
                pixel(row[x], band[x1] - band[x0], ny * (x1 - x0) as u64)
            };
            if w <= 2 * r {
                px.extend((0..w).map(clipped));
                continue;
            }
            // Columns r..w-r see the whole window: one loop without clipping or bounds checks.
            let n = ny * (2 * r + 1) as u64;
            px.extend((0..r).map(clipped));
            px.extend(
                row[r..w - r]
                    .iter()
                    .zip(&band[2 * r + 1..])
                    .zip(&band[..w - 2 * r])
                    .map(|((&v, &right), &left)| pixel(v, right - left, n)),
            );
            px.extend((w - r..w).map(clipped));
        }
        Gray {
            w: self.w,
            h: self.h,
            px: px.into(),
        }
    }

    /// Stretch the histogram so that the 1st and 99th percentiles map to 0 and 255.
    pub fn stretch(&self) -> Gray<'static> {
        let mut hist = [0usize; 256];
        for &v in self.px.iter() {
            hist[usize::from(v)] += 1;
        }
        let n = self.px.len();
        let (mut lo, mut hi, mut acc) = (0usize, 255usize, 0usize);
        for (i, &c) in hist.iter().enumerate() {
            acc += c;
            if acc * 100 >= n {
                lo = i;
                break;
            }
        }
        acc = 0;
        for (i, &c) in hist.iter().enumerate().rev() {
            acc += c;
            if acc * 100 >= n {
                hi = i;
                break;
            }
        }
        if hi <= lo + 1 {
            return Gray {
                w: self.w,
                h: self.h,
                px: self.px.to_vec().into(),
            };
        }
        let span = (hi - lo) as u32;
        let px: Vec<u8> = self
            .px
            .iter()
            .map(|&v| {
                let v = usize::from(v).clamp(lo, hi) - lo;
                ((v as u32 * 255) / span) as u8
            })
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px: px.into(),
        }
    }
}

#[cfg(test)]
#[path = "gray_tests.rs"]
mod tests;
