use super::*;

fn finder(dark: u8, light: u8, m: usize, pad: usize) -> Gray<'static> {
    let side = 7 * m + 2 * pad;
    let mut px = vec![light; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x as isize - pad as isize, y as isize - pad as isize);
            if mx < 0 || my < 0 || mx >= 7 * m as isize || my >= 7 * m as isize {
                continue;
            }
            let (i, j) = (mx as usize / m, my as usize / m);
            let ring = i.min(j).min(6 - i).min(6 - j);
            if ring != 1 {
                px[y * side + x] = dark;
            }
        }
    }
    Gray::new(side, side, px).unwrap()
}

#[test]
fn finds_both_polarities_and_not_flat_noise() {
    let h = scan(&finder(20, 230, 4, 12), 100);
    assert!(h.normal > 0 && h.inverted == 0, "{h:?}");
    let inv = finder(20, 230, 4, 12);
    let inv = Gray::new(inv.w, inv.h, inv.px.iter().map(|v| 255 - v).collect()).unwrap();
    let h = scan(&inv, 100);
    assert!(h.inverted > 0, "{h:?}");
    let mut s = 1u32;
    let noise: Vec<u8> = (0..200 * 100)
        .map(|_| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            120 + ((s >> 16) % 16) as u8
        })
        .collect();
    assert!(!scan(&Gray::new(200, 100, noise).unwrap(), 1).any());
}
