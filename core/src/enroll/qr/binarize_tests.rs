use super::*;
use proptest::prelude::*;
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::Luma8Source;

/// rxing's own binarizer on the same pixels: the reference this one must equal.
fn reference(px: &[u8], w: usize, h: usize) -> BitMatrix {
    let source = Luma8Source::new_with_slice(px, w as u32, h as u32).unwrap();
    HybridBinarizer::new(source)
        .get_black_matrix()
        .unwrap()
        .clone()
}

/// Deterministic noise in `0..range` for pixel `i` of picture `seed` (a multiplicative hash), so
/// every run tests the same pictures.
fn noise(i: usize, seed: u32, range: u32) -> u32 {
    let h = (i as u32 ^ seed.wrapping_mul(0x9e37_79b9)).wrapping_mul(0x85eb_ca6b);
    (h ^ (h >> 15)) % range
}

/// Pictures with what the algorithm branches on: flat paper and ink (blocks of small range),
/// busy blocks, gradients, noise, and module-like squares, over sizes that are and are not
/// multiples of 8 and of 64.
fn picture(w: usize, h: usize, seed: u32) -> Vec<u8> {
    let module = 3 + (seed as usize % 5);
    let mut px = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let background = 60 + (x * 120 / w) as u32 + (y * 60 / h) as u32;
            let noise = noise(y * w + x, seed, 1 + seed % 13);
            let ink = ((x / module) ^ (y / module)) % 3 == 0 && x > w / 5 && y > h / 6;
            let v = if ink { background / 4 } else { background } + noise;
            px[y * w + x] = v.min(255) as u8;
        }
    }
    // A flat dark patch next to a flat light one: the neighbour rule for flat blocks.
    for y in h / 2..(h / 2 + 20).min(h) {
        for x in 0..(w / 3) {
            px[y * w + x] = if x < w / 6 { 12 } else { 240 };
        }
    }
    px
}

#[test]
fn equals_rxings_hybrid_binarizer_bit_for_bit() {
    let sizes = [
        (40, 40),
        (41, 47),
        (64, 40),
        (65, 129),
        (127, 64),
        (200, 151),
        (320, 240),
        (333, 257),
    ];
    for (i, &(w, h)) in sizes.iter().enumerate() {
        for seed in 0..6u32 {
            let px = picture(w, h, seed * 7919 + i as u32);
            let got = binarize(&px, w, h).unwrap();
            assert_eq!(got, reference(&px, w, h), "{w} x {h}, seed {seed}");
        }
    }
}

#[test]
fn equals_rxings_hybrid_binarizer_on_uniform_pictures() {
    for &(w, h) in &[(40, 40), (97, 53), (256, 192)] {
        for level in [0u8, 24, 128, 255] {
            let px = vec![level; w * h];
            assert_eq!(binarize(&px, w, h).unwrap(), reference(&px, w, h));
        }
    }
}

/// Any picture from 40 × 40 up, of a few levels (flat blocks) or of all 256 (busy ones).
fn any_picture() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (MIN_SIDE..130usize, MIN_SIDE..130usize, 1u16..=256).prop_flat_map(|(w, h, levels)| {
        let pixel = (0..levels).prop_map(move |v| (u32::from(v) * 255 / u32::from(levels)) as u8);
        (Just(w), Just(h), proptest::collection::vec(pixel, w * h))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn equals_rxings_hybrid_binarizer_on_any_picture((w, h, px) in any_picture()) {
        prop_assert_eq!(binarize(&px, w, h).unwrap(), reference(&px, w, h));
    }
}

#[test]
fn pictures_too_small_or_short_are_refused_not_read_past() {
    assert!(binarize(&[0; 39 * 40], 39, 40).is_err());
    assert!(binarize(&[0; 40 * 39], 40, 39).is_err());
    assert!(binarize(&[0; 40 * 40 - 1], 40, 40).is_err());
}

#[test]
fn small_pictures_get_rxings_global_threshold_like_its_hybrid_binarizer() {
    for &(w, h) in &[(21, 21), (39, 120), (120, 39)] {
        let px = picture(w, h, 3);
        let b = FastBinarizer::new(
            Luma8Source::new_with_slice(&px, w as u32, h as u32).unwrap(),
            Method::Blocks,
        );
        assert_eq!(
            *b.get_black_matrix().unwrap(),
            reference(&px, w, h),
            "{w} x {h}"
        );
    }
}

#[test]
fn the_binarizer_serves_rows_and_columns_from_its_matrix() {
    let (w, h) = (72, 48);
    let px = picture(w, h, 5);
    let b = FastBinarizer::new(
        Luma8Source::new_with_slice(&px, w as u32, h as u32).unwrap(),
        Method::Blocks,
    );
    let m = b.get_black_matrix().unwrap().clone();
    assert_eq!(*b.get_black_row(7).unwrap(), m.getRow(7));
    assert_eq!(
        *b.get_black_line(9, LineOrientation::Column).unwrap(),
        m.getCol(9)
    );
    assert_eq!((b.get_width(), b.get_height()), (w, h));
}

/// rxing's global-histogram binarizer on the same pixels, or its refusal (too little contrast).
fn global_reference(px: &[u8], w: usize, h: usize) -> Option<BitMatrix> {
    let source = Luma8Source::new_with_slice(px, w as u32, h as u32).unwrap();
    GlobalHistogramBinarizer::new(source)
        .get_black_matrix()
        .ok()
        .cloned()
}

#[test]
fn the_global_threshold_equals_rxings_bit_for_bit() {
    for seed in 0..40 {
        let (w, h) = (20 + seed as usize * 13 % 300, 9 + seed as usize * 7 % 200);
        let px = picture(w, h, seed);
        assert_eq!(
            global(&px, w, h).ok(),
            global_reference(&px, w, h),
            "{w} x {h}"
        );
    }
    // Flat and two-level pictures: no contrast (refused by both), and a clear black point.
    for (w, h, px) in [
        (50, 40, vec![128u8; 2000]),
        (
            50,
            40,
            (0..2000)
                .map(|i| if i % 7 < 3 { 20 } else { 230 })
                .collect(),
        ),
        (5, 5, vec![0u8; 25]),
    ] {
        assert_eq!(
            global(&px, w, h).ok(),
            global_reference(&px, w, h),
            "{w} x {h}"
        );
    }
}

proptest! {
    #[test]
    fn the_global_threshold_equals_rxings_on_any_picture((w, h, px) in any_picture()) {
        prop_assert_eq!(global(&px, w, h).ok(), global_reference(&px, w, h));
    }
}
