//! Tests of the sentences: units people read, never "± 0.0 s", the side the phone is off.

use super::*;

#[test]
fn durations_read_like_people_write_them() {
    assert_eq!(duration(0), "0 ms");
    assert_eq!(duration(40), "40 ms");
    assert_eq!(duration(1_000), "1 s");
    assert_eq!(duration(1_240), "1.3 s");
    assert_eq!(duration(90_000), "1 min 30 s");
    assert_eq!(duration(3_600_000), "1 h");
    assert_eq!(duration(3_660_000), "1 h 1 min");
    assert_eq!(duration(86_400_000), "1 day");
    assert_eq!(duration(3 * 86_400_000 + 4 * 3_600_000), "3 days 4 h");
}

#[test]
fn uncertainty_never_rounds_to_zero() {
    assert_eq!(plus_minus(12), "± 12 ms");
    assert_eq!(plus_minus(520), "± 520 ms");
    assert!(!plus_minus(1).contains("0.0"));
}

#[test]
fn phone_clock_says_which_side() {
    assert_eq!(phone_clock(90_000, 500), "phone clock 1 min 30 s behind");
    assert_eq!(phone_clock(-3_600_000, 500), "phone clock 1 h ahead");
    assert_eq!(
        phone_clock(300, 500),
        "phone clock is right (within a second)"
    );
}
