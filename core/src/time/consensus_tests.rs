use super::*;
use proptest::prelude::*;

fn iv(c: i64, h: u64) -> Interval {
    Interval::around(c, h)
}

#[test]
fn one_liar_of_four_is_outvoted() {
    let c = marzullo(&[iv(1000, 50), iv(1020, 50), iv(990, 50), iv(91_000, 50)]).unwrap();
    assert_eq!(c.agreeing, vec![0, 1, 2]);
    assert!(c.accepted(3));
    assert_eq!(
        c.region,
        Interval {
            lo_ms: 970,
            hi_ms: 1040
        }
    );
    assert_eq!(c.offset_ms(), 1005);
}

#[test]
fn two_against_two_is_no_majority() {
    let c = marzullo(&[iv(0, 50), iv(10, 50), iv(3_600_000, 50), iv(3_600_010, 50)]).unwrap();
    assert_eq!(c.agreeing.len(), 2);
    assert!(!c.accepted(1));
}

#[test]
fn quorum_is_required_even_with_majority() {
    let c = marzullo(&[iv(0, 50), iv(10, 50)]).unwrap();
    assert!(c.accepted(2));
    assert!(!c.accepted(3));
    let one = marzullo(&[iv(0, 50)]).unwrap();
    assert!(one.accepted(1));
    assert!(!one.accepted(3));
}

#[test]
fn touching_intervals_agree() {
    let c = marzullo(&[iv(0, 10), iv(20, 10)]).unwrap();
    assert_eq!(c.agreeing.len(), 2);
    assert_eq!(
        c.region,
        Interval {
            lo_ms: 10,
            hi_ms: 10
        }
    );
}

#[test]
fn extreme_values_do_not_overflow() {
    let c = marzullo(&[iv(i64::MAX, u64::MAX), iv(i64::MIN, u64::MAX), iv(0, 0)]).unwrap();
    // [0, MAX] and [0, 0] agree; [MIN, -1] does not.
    assert_eq!(c.agreeing, vec![0, 2]);
    assert_eq!(c.uncertainty_ms(), 1);
    assert!(Interval::around(i64::MIN, u64::MAX).half_width() > 0);
}

proptest! {
    #[test]
    fn region_is_inside_every_agreeing_interval(v in proptest::collection::vec((-10_000i64..10_000, 0u64..5_000), 1..9)) {
        let ivs: Vec<Interval> = v.iter().map(|&(c, h)| iv(c, h)).collect();
        let c = marzullo(&ivs).unwrap();
        prop_assert!(!c.agreeing.is_empty());
        for &i in &c.agreeing {
            prop_assert!(ivs[i].contains_interval(&c.region));
        }
        // No point is covered by more intervals than the agreeing set.
        for probe in [c.region.lo_ms - 1, c.region.hi_ms + 1, 0] {
            let n = ivs.iter().filter(|x| x.lo_ms <= probe && probe <= x.hi_ms).count();
            prop_assert!(n <= c.agreeing.len());
        }
    }
}
