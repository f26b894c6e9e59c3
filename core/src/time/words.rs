//! Trusted time in words: the sentences a user (or a helpdesk) reads for a sync outcome and for
//! the time status. Pure formatting; the apps show these as they are, the CLI prints them. (The
//! sentence for a sync outcome sits with its report, in [`super::report`].)

use super::{TimeEstimate, TimeStatus, UNKNOWN_UNCERTAINTY_MS};

/// A duration a person reads: "45 ms", "1.2 s", "1 min 30 s", "2 h 5 min", "3 days 4 h".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let tenths = ms.div_ceil(100);
        return match tenths % 10 {
            0 => format!("{} s", tenths / 10),
            t => format!("{}.{t} s", tenths / 10),
        };
    }
    // Whole seconds, truncated: at this scale a half second of measurement error is noise.
    let s = ms / 1_000;
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    match (d, h, m, sec) {
        (0, 0, m, 0) => format!("{m} min"),
        (0, 0, m, sec) => format!("{m} min {sec} s"),
        (0, h, 0, _) => format!("{h} h"),
        (0, h, m, _) => format!("{h} h {m} min"),
        (1, 0, _, _) => "1 day".to_string(),
        (d, 0, _, _) => format!("{d} days"),
        (d, h, _, _) => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

/// "± 0.5 s", never "± 0.0 s": below a tenth of a second in milliseconds.
pub fn plus_minus(ms: u64) -> String {
    format!("± {}", duration(ms))
}

/// How far the phone's own clock is off: `offset_ms` is trusted time minus the wall clock.
pub fn phone_clock(offset_ms: i64, uncertainty_ms: u64) -> String {
    // Within the uncertainty (and under a second) the clock is as right as we can tell.
    if offset_ms.unsigned_abs() <= uncertainty_ms.max(1_000) {
        return "phone clock is right (within a second)".to_string();
    }
    let side = if offset_ms > 0 { "behind" } else { "ahead" };
    format!("phone clock {} {side}", duration(offset_ms.unsigned_abs()))
}

/// One sentence for the time status, with what to do when it is not verified.
pub fn status_sentence(now: &TimeEstimate, damaged: Option<&str>) -> String {
    if let Some(problem) = damaged {
        return format!(
            "Warning: the saved time was tampered with ({problem}); codes use the phone clock \
             until a sync with an authenticated source. Sync time now."
        );
    }
    let clock = phone_clock(now.offset_ms, now.uncertainty_ms);
    match now.status {
        TimeStatus::Synced => format!(
            "Time verified: {clock}; codes use the corrected time {}.",
            plus_minus(now.uncertainty_ms)
        ),
        TimeStatus::Drifting => format!(
            "Time verified a while ago ({clock}, now {}); sync again for exact codes.",
            plus_minus(now.uncertainty_ms)
        ),
        TimeStatus::Unverified if now.uncertainty_ms >= UNKNOWN_UNCERTAINTY_MS => {
            "Warning: time never verified on this phone; codes use the phone clock as it is and \
             may be rejected. Sync time now."
                .to_string()
        }
        TimeStatus::Unverified => format!(
            "Warning: time not verified since the phone restarted; codes use the phone clock \
             plus the last correction ({clock}, {}), which is wrong if the clock was changed. \
             Sync time now.",
            plus_minus(now.uncertainty_ms)
        ),
        TimeStatus::Conflict => "Warning: the phone clock was set back before a time already \
             verified; codes use that verified time. Sync time now."
            .to_string(),
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
