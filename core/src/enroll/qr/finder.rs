//! A cheap finder-pattern pre-scan for camera frames: is there anything that looks like the
//! 1:1:3:1:1 dark-light-dark-light-dark rings of a QR finder pattern, horizontally and
//! vertically through the same centre? A frame without one holds no readable code, so the
//! camera path can stop before the decoders run. The scan is deliberately permissive (blur and
//! perspective bend the ratios); it only has to be cheap and to miss no real code.
//!
//! It works on a ternary copy of the (downscaled) working image: each pixel against the mean of
//! the 3 x 3 blocks around it, with a dead band of an eighth of the local contrast in which the
//! pixel keeps the colour of its neighbour along the scan (hysteresis), so sensor noise around
//! the mean makes no runs; blocks with too little contrast count as light.

use super::gray::Gray;

/// Block side of the local threshold, in working-image pixels.
const BLOCK: usize = 16;
/// A block neighbourhood whose darkest and lightest pixels differ by no more than this is flat.
const MIN_CONTRAST: u8 = 24;

/// Finder-like hits in each polarity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Hits {
    /// Dark rings on light (a printed code, a light-mode screen).
    pub normal: usize,
    /// Light rings on dark (dark mode).
    pub inverted: usize,
}

impl Hits {
    pub fn any(self) -> bool {
        self.normal + self.inverted > 0
    }
}

const DARK: u8 = 1;
const LIGHT: u8 = 0;
/// Within the dead band: continues the current run.
const EITHER: u8 = 2;

/// Classifies the pixels of `g`: [`DARK`], [`LIGHT`] or [`EITHER`].
fn binarize(g: &Gray) -> Vec<u8> {
    let (w, h) = (g.w, g.h);
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    // Per block: sum, min, max.
    let mut sum = vec![0u32; bw * bh];
    let mut lo = vec![255u8; bw * bh];
    let mut hi = vec![0u8; bw * bh];
    for y in 0..h {
        let row = &g.px[y * w..(y + 1) * w];
        let by = y / BLOCK;
        for (bx, chunk) in row.chunks(BLOCK).enumerate() {
            let i = by * bw + bx;
            let (mut s, mut l, mut m) = (0u32, 255u8, 0u8);
            for &v in chunk {
                s += u32::from(v);
                l = l.min(v);
                m = m.max(v);
            }
            sum[i] += s;
            lo[i] = lo[i].min(l);
            hi[i] = hi[i].max(m);
        }
    }
    // Per block: the threshold from the 3 x 3 neighbourhood, 0 when it is flat.
    // (low, high) per block: below low is dark, above high light, between either.
    let mut thr = vec![(0u8, 0u8); bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut s, mut n, mut l, mut m) = (0u64, 0u64, 255u8, 0u8);
            for ny in by.saturating_sub(1)..(by + 2).min(bh) {
                for nx in bx.saturating_sub(1)..(bx + 2).min(bw) {
                    let i = ny * bw + nx;
                    s += u64::from(sum[i]);
                    let bw_px = BLOCK.min(w - nx * BLOCK) as u64;
                    let bh_px = BLOCK.min(h - ny * BLOCK) as u64;
                    n += bw_px * bh_px;
                    l = l.min(lo[i]);
                    m = m.max(hi[i]);
                }
            }
            if m - l > MIN_CONTRAST {
                let mean = (s / n.max(1)) as u8;
                let band = ((m - l) / 8).max(6);
                thr[by * bw + bx] = (mean.saturating_sub(band), mean.saturating_add(band));
            }
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let trow = &thr[(y / BLOCK) * bw..(y / BLOCK + 1) * bw];
        let src = &g.px[y * w..(y + 1) * w];
        let dst = &mut out[y * w..(y + 1) * w];
        for ((d, s), t) in dst
            .chunks_mut(BLOCK)
            .zip(src.chunks(BLOCK))
            .zip(trow.iter())
        {
            let (lo, hi) = *t;
            for (d, &v) in d.iter_mut().zip(s) {
                *d = if v < lo {
                    DARK
                } else if v > hi || hi == 0 {
                    LIGHT
                } else {
                    EITHER
                };
            }
        }
    }
    out
}

/// Whether five run lengths are 1:1:3:1:1 within a loose tolerance (blur, tilt).
fn ratio_ok(r: &[usize; 5]) -> bool {
    let total: usize = r.iter().sum();
    if total < 7 {
        return false;
    }
    // Work in sevenths of the pattern to stay in integers: module = total / 7.
    let m7 = total; // 7 * module
    let near = |run: usize, modules: usize| {
        let want = modules * m7; // 7 * expected run
        let got = run * 7;
        // within 60% of a module (x7) for the rings, 1.5 modules for the centre
        let tol = if modules == 3 { 3 * m7 / 2 } else { 3 * m7 / 5 };
        got.abs_diff(want) <= tol
    };
    near(r[0], 1) && near(r[1], 1) && near(r[2], 3) && near(r[3], 1) && near(r[4], 1)
}

/// Runs outwards from (x, y) along the column: the vertical 1:1:3:1:1 check with the centre
/// colour `c`.
/// `limit` bounds every run (twice the horizontal pattern width), so a long uniform column costs
/// no more than the pattern could.
fn cross_check_vertical(
    bin: &[u8],
    (w, h): (usize, usize),
    (x, y): (usize, usize),
    c: u8,
    limit: usize,
) -> bool {
    let at = |yy: usize| bin[yy * w + x];
    // The centre pixel matched along the row; a dead-band pixel continues whichever run.
    let is = |yy: usize, want: u8| {
        let v = at(yy);
        v == want || v == EITHER
    };
    if !is(y, c) {
        return false;
    }
    // Up: centre (part), ring, outer.
    let mut runs = [0usize; 5];
    let mut yy = y as isize;
    for (k, want) in [(2usize, c), (1, 1 - c), (0, c)] {
        while yy >= 0 && is(yy as usize, want) {
            runs[k] += 1;
            yy -= 1;
            if runs[k] > limit {
                return false;
            }
        }
        if runs[k] == 0 {
            return false;
        }
    }
    let mut yy = y + 1;
    for (k, want) in [(2usize, c), (3, 1 - c), (4, c)] {
        let before = runs[k];
        while yy < h && is(yy, want) {
            runs[k] += 1;
            yy += 1;
            if runs[k] > limit {
                return false;
            }
        }
        if runs[k] == before && k != 2 {
            return false;
        }
    }
    ratio_ok(&runs)
}

/// Counts finder-like centres, stopping once `enough` of them were seen.
pub(crate) fn scan(g: &Gray, enough: usize) -> Hits {
    let bin = binarize(g);
    let (w, h) = (g.w, g.h);
    let mut hits = Hits::default();
    for y in 0..h {
        let row = &bin[y * w..(y + 1) * w];
        // The last five complete runs, oldest first, and the colour of the newest.
        let mut runs = [0usize; 5];
        let mut cur = 0usize;
        let mut colour = LIGHT;
        let mut complete = 0usize;
        for (x, &v) in row.iter().enumerate() {
            if v == colour || v == EITHER {
                cur += 1;
                continue;
            }
            runs.rotate_left(1);
            runs[4] = cur;
            complete += 1;
            // `colour` is the colour of runs[4]; the pattern's outer rings share it.
            if complete >= 5 && ratio_ok(&runs) {
                let end = x; // first pixel after runs[4]
                let cx = end - runs[4] - runs[3] - runs[2] / 2 - 1;
                let limit = 2 * runs.iter().sum::<usize>();
                if cross_check_vertical(&bin, (w, h), (cx, y), colour, limit) {
                    if colour == DARK {
                        hits.normal += 1;
                    } else {
                        hits.inverted += 1;
                    }
                    if hits.normal + hits.inverted >= enough {
                        return hits;
                    }
                }
            }
            colour = v;
            cur = 1;
        }
    }
    hits
}

#[cfg(test)]
#[path = "finder_tests.rs"]
mod tests;
