//! The binarizers rxing's QR reader runs on, computed a row at a time (the block one, and the
//! global one at the end).
//!
//! The block one gives the same black-and-white image as rxing's `HybridBinarizer` (ZXing's
//! block algorithm, below), bit for bit (`binarize_tests.rs` compares them), in a fraction of the
//! time: rxing sets the matrix one pixel at a time, and that was half of the first decoder pass
//! on the photo corpus (`perf`, 2026-11-30). Here each pixel row is compared with a row of
//! thresholds, the comparisons packed into the matrix a word at a time. rxing's first pass over
//! the corpus took 46 % less time with it (20 rounds of 201 pictures, the same 181 read).
//! The block statistics are then taken block by block (eight bytes of each of its rows) and the
//! 5 × 5 window means separably; that halved this file's time on the 774 × 1037 photo 6/15
//! (about 0.5 to 0.25 ms), which was a third of its decoding.
//!
//! The algorithm: the picture is cut into 8 × 8 blocks (the last row and column of blocks are
//! shifted back to end at the edge, so they overlap their neighbours). Each block's black point
//! is its mean, or, when its pixels span 24 levels or fewer (flat paper, flat ink), half its
//! darkest pixel, raised to the mean of three already-computed neighbours when those say the
//! area is darker. A pixel is black when it is at most the mean black point of the 5 × 5 blocks
//! around its block, the 5 × 5 window moved inside the picture at the edges. Where the last
//! block overlaps its neighbour, the two share one window and so one threshold: every pixel has
//! exactly one threshold, that of the block `(x / 8, y / 8)`.
//!
//! The global threshold of rxing's `GlobalHistogramBinarizer` (the cascade's "rxing global"
//! passes, and pictures too small for blocks) is computed here the same way: one black point
//! from a histogram of four rows, then every row compared with it a word at a time.

use std::borrow::Cow;
use std::cell::OnceCell;

use rxing::common::{BitArray, BitMatrix, LineOrientation, Result as RxResult};
use rxing::{Binarizer, LuminanceSource};

const BLOCK: usize = 8;
/// The blocks around a block that set its threshold: 5 × 5.
const REACH: usize = 2;
/// Smaller pictures cannot hold 5 × 5 blocks.
pub(crate) const MIN_SIDE: usize = BLOCK * (2 * REACH + 1);
/// A block whose pixels span at most this many levels is flat (all paper or all ink).
const FLAT_RANGE: u8 = 24;
/// Bits per word of rxing's bit matrix (`usize`).
const WORD: usize = usize::BITS as usize;

/// Which of rxing's binarizers a [`FastBinarizer`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    /// rxing's `HybridBinarizer`: the block algorithm, or for pictures under [`MIN_SIDE`] pixels
    /// on a side the global threshold (the choice rxing's makes).
    Blocks,
    /// rxing's `GlobalHistogramBinarizer`: one threshold for the whole picture.
    Global,
}

/// rxing's `Binarizer`, with the black-and-white image of one of rxing's own binarizers. Rows
/// and columns are served from that image: rxing's QR reader reads only the matrix (rxing's
/// global binarizer would compute its rows apart, for the 1-D barcode readers).
pub(crate) struct FastBinarizer<LS: LuminanceSource> {
    source: LS,
    method: Method,
    matrix: OnceCell<BitMatrix>,
}

impl<LS: LuminanceSource> FastBinarizer<LS> {
    pub(crate) fn new(source: LS, method: Method) -> Self {
        FastBinarizer {
            source,
            method,
            matrix: OnceCell::new(),
        }
    }

    fn matrix(&self) -> RxResult<&BitMatrix> {
        if let Some(m) = self.matrix.get() {
            return Ok(m);
        }
        let (w, h) = (self.source.get_width(), self.source.get_height());
        let px = self.source.get_matrix();
        let m = if self.method == Method::Global || w < MIN_SIDE || h < MIN_SIDE {
            global(&px, w, h)?
        } else {
            binarize(&px, w, h)?
        };
        Ok(self.matrix.get_or_init(|| m))
    }
}

impl<LS: LuminanceSource> Binarizer for FastBinarizer<LS> {
    type Source = LS;

    fn get_luminance_source(&self) -> &LS {
        &self.source
    }

    fn get_black_row(&self, y: usize) -> RxResult<Cow<'_, BitArray>> {
        Ok(Cow::Owned(self.matrix()?.getRow(row_index(y)?)))
    }

    fn get_black_row_from_matrix(&self, y: usize) -> RxResult<Cow<'_, BitArray>> {
        self.get_black_row(y)
    }

    fn get_black_matrix(&self) -> RxResult<&BitMatrix> {
        self.matrix()
    }

    fn get_black_line(&self, l: usize, lt: LineOrientation) -> RxResult<Cow<'_, BitArray>> {
        let m = self.matrix()?;
        Ok(Cow::Owned(match lt {
            LineOrientation::Row => m.getRow(row_index(l)?),
            LineOrientation::Column => m.getCol(row_index(l)?),
        }))
    }

    fn create_binarizer(&self, source: LS) -> Self {
        FastBinarizer::new(source, self.method)
    }

    fn get_width(&self) -> usize {
        self.source.get_width()
    }

    fn get_height(&self) -> usize {
        self.source.get_height()
    }
}

fn row_index(i: usize) -> RxResult<u32> {
    u32::try_from(i).map_err(|_| rxing::Exceptions::INDEX_OUT_OF_BOUNDS)
}

/// The black-and-white image of `px` (`w` × `h`, rows packed), black bits set.
pub(crate) fn binarize(px: &[u8], w: usize, h: usize) -> RxResult<BitMatrix> {
    if w < MIN_SIDE || h < MIN_SIDE || px.len() < w * h {
        return Err(rxing::Exceptions::ILLEGAL_ARGUMENT);
    }
    let (Ok(w32), Ok(h32)) = (u32::try_from(w), u32::try_from(h)) else {
        return Err(rxing::Exceptions::ILLEGAL_ARGUMENT);
    };
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let levels = thresholds(&black_points(px, w, h, bw, bh), bw, bh);
    pack(px, w32, h32, |y, limit| {
        if y % BLOCK == 0 {
            let by = y / BLOCK;
            for (span, &level) in limit.chunks_mut(BLOCK).zip(&levels[by * bw..]) {
                span.fill(level);
            }
        }
    })
}

/// rxing's `GlobalHistogramBinarizer` matrix of `px` (`w` × `h`, rows packed): a pixel is black
/// when it is darker than one black point, found between the two peaks of a 32-bucket histogram
/// of four rows (at 1/5 to 4/5 of the height, their middle three fifths). Too little contrast
/// there is rxing's "not found", as in rxing.
pub(crate) fn global(px: &[u8], w: usize, h: usize) -> RxResult<BitMatrix> {
    let (Ok(w32), Ok(h32)) = (u32::try_from(w), u32::try_from(h)) else {
        return Err(rxing::Exceptions::ILLEGAL_ARGUMENT);
    };
    if w == 0 || h == 0 || px.len() < w * h {
        return Err(rxing::Exceptions::ILLEGAL_ARGUMENT);
    }
    let mut buckets = [0u32; 32];
    for y in 1..5 {
        let row = &px[(h * y / 5) * w..][..w];
        for &p in &row[w / 5..w * 4 / 5] {
            buckets[usize::from(p >> 3)] += 1;
        }
    }
    // Black: below the black point (a multiple of 8, at least 8: the valley lies above the
    // first peak).
    let below = black_point(&buckets)?.saturating_sub(1);
    pack(px, w32, h32, |y, limit| {
        if y == 0 {
            limit.fill(below);
        }
    })
}

/// ZXing's choice of a black point from a luminance histogram (rxing's `estimateBlackPoint`).
fn black_point(buckets: &[u32; 32]) -> RxResult<u8> {
    let (mut first, mut first_size, mut most) = (0usize, 0u32, 0u32);
    for (x, &b) in buckets.iter().enumerate() {
        if b > first_size {
            (first, first_size) = (x, b);
        }
        most = most.max(b);
    }
    // The second peak: far from the first counts, with the square of the distance.
    let (mut second, mut second_score) = (0usize, 0u64);
    for (x, &b) in buckets.iter().enumerate() {
        let d = x.abs_diff(first) as u64;
        let score = u64::from(b) * d * d;
        if score > second_score {
            (second, second_score) = (x, score);
        }
    }
    if first > second {
        std::mem::swap(&mut first, &mut second);
    }
    if second - first <= buckets.len() / 16 {
        return Err(rxing::Exceptions::NOT_FOUND);
    }
    // The valley between them that is low and closer to the white peak; the first best wins,
    // from the white side. (rxing keeps this score in an i32, which would wrap only for rows
    // over 30,000 pixels wide; the cascade's pictures have at most 1600.)
    let (mut valley, mut valley_score) = (second, 0i64);
    for x in (first + 1..second).rev() {
        let from_first = (x - first) as i64;
        let score = from_first * from_first * (second - x) as i64 * i64::from(most - buckets[x]);
        if score > valley_score {
            (valley, valley_score) = (x, score);
        }
    }
    // ok: valley < 32, so valley * 8 < 256
    Ok((valley << 3) as u8)
}

/// The matrix of `px` with a pixel black when it is at most its limit: `limits(y, row)` updates
/// the row of limits before row `y` is compared (it starts zeroed).
fn pack(
    px: &[u8],
    w32: u32,
    h32: u32,
    mut limits: impl FnMut(usize, &mut [u8]),
) -> RxResult<BitMatrix> {
    let (w, h) = (w32 as usize, h32 as usize);
    let mut matrix = BitMatrix::new(w32, h32)?;
    let mut row_bits = BitArray::with_size(w);
    // The limit of every pixel of the row, and one 0/1 byte per pixel of the row (1: black),
    // padded with zeros to whole words.
    let mut limit = vec![0u8; w];
    let mut black = vec![0u8; w.div_ceil(WORD) * WORD];
    for (y, row) in px.chunks_exact(w).take(h).enumerate() {
        limits(y, &mut limit);
        // Apart so that the compiler can compare many pixels per instruction.
        for ((b, p), t) in black.iter_mut().zip(row).zip(&limit) {
            *b = u8::from(p <= t);
        }
        for (i, ones) in black.chunks_exact(WORD).enumerate() {
            row_bits.setBulk(i * WORD, pack_word(ones));
        }
        matrix.setRow(y as u32, &row_bits); // ok: y < h, which fits u32
    }
    Ok(matrix)
}

/// One word of 0/1 bytes as bits, byte `i` to bit `i`.
#[inline]
fn pack_word(ones: &[u8]) -> usize {
    let mut word = 0usize;
    for (k, e) in ones.chunks_exact(8).enumerate() {
        let eight = u64::from_le_bytes([e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]]);
        // One multiplication gathers eight 0/1 bytes into the top byte: byte j lands on bit
        // 56 + j, and no two partial products meet, so nothing carries.
        let bits = eight.wrapping_mul(0x0102_0408_1020_4080) >> 56;
        word |= (bits as usize) << (8 * k);
    }
    word
}

/// The black point of every 8 × 8 block: its sum, darkest and lightest pixel straight from its
/// 8 rows (eight bytes a row, which the compiler keeps in vector registers), then the rule above.
fn black_points(px: &[u8], w: usize, h: usize, bw: usize, bh: usize) -> Vec<u8> {
    let mut points = vec![0u8; bw * bh];
    for by in 0..bh {
        let y0 = (by * BLOCK).min(h - BLOCK);
        let band = &px[y0 * w..(y0 + BLOCK) * w];
        for bx in 0..bw {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let (mut sum, mut lo, mut hi) = ([0u16; BLOCK], [255u8; BLOCK], [0u8; BLOCK]);
            for r in 0..BLOCK {
                let row = &band[r * w + x0..][..BLOCK];
                for i in 0..BLOCK {
                    sum[i] += u16::from(row[i]);
                    lo[i] = lo[i].min(row[i]);
                    hi[i] = hi[i].max(row[i]);
                }
            }
            let total: u32 = sum.iter().map(|&s| u32::from(s)).sum();
            let darkest = lo.iter().copied().min().unwrap_or(0);
            let lightest = hi.iter().copied().max().unwrap_or(0);
            let point = if lightest - darkest > FLAT_RANGE {
                total / (BLOCK * BLOCK) as u32
            } else {
                // Flat: paper, unless the neighbours above and to the left say it is ink.
                let mut point = u32::from(darkest / 2);
                if by > 0 && bx > 0 {
                    let above = u32::from(points[(by - 1) * bw + bx]);
                    let left = u32::from(points[by * bw + bx - 1]);
                    let corner = u32::from(points[(by - 1) * bw + bx - 1]);
                    let around = (above + 2 * left + corner) / 4;
                    if u32::from(darkest) < around {
                        point = around;
                    }
                }
                point
            };
            // ok: a mean of u8 values, or at most the larger of them
            points[by * bw + bx] = point as u8;
        }
    }
    points
}

/// Each block's threshold: the mean black point of the 5 × 5 blocks around it, the window
/// moved inside the picture at the edges. Separable: per block row, the window's five rows are
/// summed column by column, then five of those column sums per block.
fn thresholds(points: &[u8], bw: usize, bh: usize) -> Vec<u8> {
    const SPAN: usize = 2 * REACH + 1;
    let mut out = vec![0u8; bw * bh];
    // ok: SPAN u8 values per column sum, SPAN * SPAN (25) per window: both fit u16
    let mut cols = vec![0u16; bw];
    for (by, out_row) in out.chunks_exact_mut(bw).enumerate() {
        let top = by.clamp(REACH, bh - 1 - REACH) - REACH;
        cols.fill(0);
        for row in points[top * bw..].chunks_exact(bw).take(SPAN) {
            for (c, &p) in cols.iter_mut().zip(row) {
                *c += u16::from(p);
            }
        }
        // Blocks REACH..bw-REACH see a whole window; the first and last REACH share the one
        // moved inside the picture.
        let whole = &mut out_row[REACH..bw - REACH];
        for (o, window) in whole.iter_mut().zip(cols.windows(SPAN)) {
            let sum: u16 = window.iter().sum();
            // ok: the mean of SPAN * SPAN u8 values
            *o = (sum / (SPAN * SPAN) as u16) as u8;
        }
        let (first, last) = (out_row[REACH], out_row[bw - 1 - REACH]);
        out_row[..REACH].fill(first);
        out_row[bw - REACH..].fill(last);
    }
    out
}

#[cfg(test)]
#[path = "binarize_tests.rs"]
mod tests;
