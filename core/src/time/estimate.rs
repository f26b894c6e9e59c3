//! The estimate of UTC now from the saved state and the clock readings: on the boot clock after
//! a sync in this boot, or the wall clock plus the last correction, never below a time already
//! trusted. Pure (no clock is read here), so the sync decision and the clock share it.

use super::anchor::TimeState;
use super::sources::SyncConfig;
use super::{TimeEstimate, TimeStatus, UNKNOWN_UNCERTAINTY_MS};

/// Added to the last offset's uncertainty after a reboot (wall clocks are read in whole seconds
/// at boot on some devices).
pub const REBOOT_PENALTY_MS: u64 = 1_000;
/// Real-time clocks of phones drift up to this much while we only have the wall clock.
pub const WALL_CLOCK_GROWTH_PPM: u64 = 200;

/// The estimate from a state and the clock readings (pure: no clock is read here).
pub fn estimate(
    state: &TimeState,
    config: &SyncConfig,
    boot_id: &str,
    boot_now_ms: u64,
    wall_now_ms: i64,
) -> TimeEstimate {
    let high_water = state.high_water_utc_ms;
    if let Some((utc, unc)) = state
        .anchor
        .as_ref()
        .and_then(|a| a.predict(boot_id, boot_now_ms))
    {
        let mut status = if unc > config.drifting_above_ms {
            TimeStatus::Drifting
        } else {
            TimeStatus::Synced
        };
        if high_water.is_some_and(|hw| utc.saturating_add(to_i64(unc)) < hw) {
            status = TimeStatus::Conflict;
        }
        return TimeEstimate {
            utc_ms: utc,
            uncertainty_ms: unc,
            status,
            offset_ms: utc.saturating_sub(wall_now_ms),
        };
    }
    // Another boot, or never synced: the wall clock is all we have.
    let (mut utc, unc) = match &state.last_offset {
        Some(o) => {
            let utc = wall_now_ms.saturating_add(o.offset_ms);
            let since = utc.saturating_sub(o.measured_utc_ms).unsigned_abs();
            let grown = since
                .saturating_mul(WALL_CLOCK_GROWTH_PPM)
                .div_ceil(1_000_000);
            (
                utc,
                o.uncertainty_ms
                    .saturating_add(REBOOT_PENALTY_MS)
                    .saturating_add(grown),
            )
        }
        None => (wall_now_ms, UNKNOWN_UNCERTAINTY_MS),
    };
    let mut status = TimeStatus::Unverified;
    if let Some(hw) = high_water.filter(|&hw| utc < hw) {
        // The clock was set back past a time we know has passed: at least that much is true.
        status = TimeStatus::Conflict;
        utc = hw;
    }
    TimeEstimate {
        utc_ms: utc,
        uncertainty_ms: unc,
        status,
        offset_ms: utc.saturating_sub(wall_now_ms),
    }
}

/// Whether codes on this estimate need a warning: the time is not verified in this boot (after
/// a reboot the wall clock may have moved by any amount), it conflicts with a time we trusted,
/// or it is too uncertain for a 30 s step.
pub fn needs_warning(estimate: &TimeEstimate) -> bool {
    matches!(
        estimate.status,
        TimeStatus::Unverified | TimeStatus::Conflict
    ) || super::uncertainty_near_step(estimate, 30)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
