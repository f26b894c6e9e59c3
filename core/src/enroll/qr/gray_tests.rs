use super::*;

#[test]
fn strided_copy_and_shrink() {
    // 3x2 image in a stride-4 buffer (the 4th byte of a row is padding).
    let bytes = [1, 2, 3, 99, 4, 5, 6];
    let g = Gray::from_strided(&bytes, 3, 2, 4, 1);
    assert_eq!(g.px, vec![1, 2, 3, 4, 5, 6]);
    let s = g.shrink(2);
    assert_eq!((s.w, s.h), (1, 1));
    assert_eq!(s.px, vec![3]);
}

#[test]
fn box_shrink_matches_the_naive_mean() {
    let mut v = 7u32;
    for (w, h, stride, f) in [
        (37, 23, 40, 2),
        (37, 23, 37, 3),
        (64, 65, 70, 4),
        // Camera-frame sizes: factors 2 to 4 each have a loop of their own.
        (642, 361, 648, 2),
        (643, 362, 643, 3),
        (645, 363, 650, 4),
        (641, 365, 641, 5),
        (5, 3, 5, 8),
        (200, 130, 201, 64),
        (300, 140, 300, 70),
    ] {
        let bytes: Vec<u8> = (0..(h - 1) * stride + w)
            .map(|_| {
                v = v.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (v >> 16) as u8
            })
            .collect();
        let g = Gray::from_strided(&bytes, w, h, stride, f);
        let (dw, dh) = ((w / f).max(1), (h / f).max(1));
        assert_eq!((g.w, g.h), (dw, dh));
        for dy in 0..dh {
            for dx in 0..dw {
                let (mut s, mut n) = (0u32, 0u32);
                for y in dy * f..(dy * f + f).min(h) {
                    for x in dx * f..(dx * f + f).min(w) {
                        s += u32::from(bytes[y * stride + x]);
                        n += 1;
                    }
                }
                assert_eq!(
                    g.px[dy * dw + dx],
                    (s / n) as u8,
                    "{w}x{h} f{f} at {dx},{dy}"
                );
            }
        }
    }
}

#[test]
fn box_shrink_of_white_stays_white() {
    // The largest sums each factor's loop sees (no overflow, no rounding down to 254).
    for f in [2, 3, 4, 5, 16, 64] {
        let (w, h) = (f * 3 + 1, f * 2 + 1);
        let g = Gray::from_strided(&vec![255; w * h], w, h, w, f);
        assert!(g.px.iter().all(|&v| v == 255), "factor {f}");
    }
}

#[test]
fn scale_and_threshold_keep_invariants() {
    let g = Gray::new(5, 3, (0..15).map(|v| v * 10).collect()).unwrap();
    let up = g.scale(2, 1);
    assert_eq!((up.w, up.h, up.px.len()), (10, 6, 60));
    let t = g.threshold_local(2, 3);
    assert!(t.px.iter().all(|&v| v == 0 || v == 255));
    assert_eq!(g.invert().px[0], 255);
    assert_eq!(g.stretch().px.len(), 15);
}

/// The local threshold compares without dividing; it must give exactly what the floored mean of
/// the clipped window gives, at the borders too, for noise and for flat or smooth images where
/// pixels sit right at the mean.
#[test]
fn local_threshold_matches_the_naive_window_mean() {
    let mut v = 11u32;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                v = v.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (v >> 16) as u8
            })
            .collect()
    };
    let cases: Vec<(usize, usize, Vec<u8>)> = vec![
        (37, 23, noise(37 * 23)),
        (64, 9, noise(64 * 9)),
        (3, 50, noise(150)),
        (40, 30, (0..1200).map(|i| (i % 40 * 6) as u8).collect()),
        (20, 20, vec![128; 400]),
        (20, 20, vec![255; 400]),
    ];
    for (w, h, px) in cases {
        let g = Gray::new(w, h, px).unwrap();
        for (r, bias) in [(1, 0), (2, 3), (4, 4), (7, 0), (30, 255)] {
            let t = g.threshold_local(r, bias);
            for y in 0..h {
                for x in 0..w {
                    let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
                    let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
                    let mut sum = 0u64;
                    for yy in y0..y1 {
                        for xx in x0..x1 {
                            sum += u64::from(g.px[yy * w + xx]);
                        }
                    }
                    let mean = sum / ((y1 - y0) * (x1 - x0)) as u64;
                    let black = u64::from(g.px[y * w + x].saturating_add(bias)) < mean;
                    let want = if black { 0 } else { 255 };
                    assert_eq!(
                        t.px[y * w + x],
                        want,
                        "{w}x{h} r {r} bias {bias} at {x},{y}"
                    );
                }
            }
        }
    }
}
