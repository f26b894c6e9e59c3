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

/// Marzullo with authenticated sources in charge: when some intervals come from sources that
/// proved who they are (verified TLS, a signed Roughtime answer), the answer must lie where the
/// most of them agree. Every interval is clipped to that region first, so a crowd of spoofed NTP
/// replies can at most block a decision, never move time away from the authenticated sources.
/// `responded` stays the number of all intervals (the majority rule is over everyone).
pub fn agree(intervals: &[Interval], authenticated: &[bool]) -> Option<Consensus> {
    let trusted: Vec<Interval> = intervals
        .iter()
        .zip(authenticated)
        .filter(|(_, &a)| a)
        .map(|(iv, _)| *iv)
        .collect();
    let Some(auth) = marzullo(&trusted) else {
        return marzullo(intervals);
    };
    let region = auth.region;
    let clipped: Vec<(usize, Interval)> = intervals
        .iter()
        .enumerate()
        .filter(|(_, iv)| iv.overlaps(&region))
        .map(|(i, iv)| {
            let lo = iv.lo_ms.min(iv.hi_ms).max(region.lo_ms);
            let hi = iv.lo_ms.max(iv.hi_ms).min(region.hi_ms);
            (
                i,
                Interval {
                    lo_ms: lo,
                    hi_ms: hi,
                },
            )
        })
        .collect();
    let only: Vec<Interval> = clipped.iter().map(|(_, iv)| *iv).collect();
    let inner = marzullo(&only)?;
    Some(Consensus {
        region: inner.region,
        agreeing: inner
            .agreeing
            .iter()
            .filter_map(|&k| clipped.get(k).map(|(i, _)| *i))
            .collect(),
        responded: intervals.len(),
    })
}

#[cfg(test)]
#[path = "consensus_tests.rs"]
mod tests;
