//! Agreement between time sources: Marzullo's algorithm over "UTC − boot" intervals.
//!
//! Each source gives an interval that must contain the true offset if the source is honest and
//! our error model holds. The region covered by the most intervals is the answer; it is accepted
//! only when a strict majority of the sources that answered cover it and at least `quorum` do, so
//! a minority of liars (or one compromised network path) cannot move the clock.

/// One source's claim: the true offset lies in `[lo_ms, hi_ms]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lo_ms: i64,
    pub hi_ms: i64,
}

impl Interval {
    /// `center ± half_width`, saturating (values come from the network).
    pub fn around(center_ms: i64, half_width_ms: u64) -> Self {
        let h = i64::try_from(half_width_ms).unwrap_or(i64::MAX);
        Interval {
            lo_ms: center_ms.saturating_sub(h),
            hi_ms: center_ms.saturating_add(h),
        }
    }
    pub fn contains_interval(&self, other: &Interval) -> bool {
        self.lo_ms <= other.lo_ms && other.hi_ms <= self.hi_ms
    }
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.lo_ms <= other.hi_ms && other.lo_ms <= self.hi_ms
    }
    pub fn midpoint(&self) -> i64 {
        ((i128::from(self.lo_ms) + i128::from(self.hi_ms)).div_euclid(2)) as i64
    }
    pub fn half_width(&self) -> u64 {
        ((i128::from(self.hi_ms) - i128::from(self.lo_ms)).max(0) as u64).div_ceil(2)
    }
}

/// The largest agreeing set and the region they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consensus {
    /// The region every agreeing interval contains.
    pub region: Interval,
    /// Indices (into the input) of the intervals that contain `region`.
    pub agreeing: Vec<usize>,
    /// How many intervals were considered (the sources that answered).
    pub responded: usize,
}

impl Consensus {
    pub fn offset_ms(&self) -> i64 {
        self.region.midpoint()
    }
    pub fn uncertainty_ms(&self) -> u64 {
        self.region.half_width().max(1)
    }
    /// A strict majority of those that answered, and at least `quorum` of them.
    pub fn accepted(&self, quorum: usize) -> bool {
        let n = self.agreeing.len();
        n >= quorum.max(1) && n * 2 > self.responded
    }
}

/// Marzullo's sweep: the region covered by the most intervals (the first such region if several
/// tie, in which case no majority can exist unless the tie is the whole set). `None` for no input.
pub fn marzullo(intervals: &[Interval]) -> Option<Consensus> {
    if intervals.is_empty() {
        return None;
    }
    // (value, kind): starts (0) sort before ends (1) at the same value: closed intervals that
    // only touch still agree.
    let mut edges: Vec<(i64, u8)> = Vec::with_capacity(intervals.len() * 2);
    for iv in intervals {
        let (lo, hi) = if iv.lo_ms <= iv.hi_ms {
            (iv.lo_ms, iv.hi_ms)
        } else {
            (iv.hi_ms, iv.lo_ms)
        };
        edges.push((lo, 0));
        edges.push((hi, 1));
    }
    edges.sort_unstable();
    let mut count = 0usize;
    let mut best = 0usize;
    let mut region = Interval { lo_ms: 0, hi_ms: 0 };
    for (i, &(v, kind)) in edges.iter().enumerate() {
        if kind == 0 {
            count += 1;
            if count > best {
                best = count;
                // The region ends at the next edge, which must be an end (or a start at the same
                // value, handled by the next iteration raising `best` again).
                let next = edges.get(i + 1).map_or(v, |e| e.0);
                region = Interval {
                    lo_ms: v,
                    hi_ms: next,
                };
            }
        } else {
            count = count.saturating_sub(1);
        }
    }
    let agreeing = intervals
        .iter()
        .enumerate()
        .filter(|(_, iv)| {
            let (lo, hi) = (iv.lo_ms.min(iv.hi_ms), iv.lo_ms.max(iv.hi_ms));
            lo <= region.lo_ms && region.hi_ms <= hi
        })
        .map(|(i, _)| i)
        .collect();
    Some(Consensus {
        region,
        agreeing,
        responded: intervals.len(),
    })
}

#[cfg(test)]
mod tests {
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
}
