//! "Whose clock is wrong?": a portal's own HTTPS `Date` compared with trusted time, for the
//! helpdesk question behind "Invalid Authenticator Code". If the portal's clock is off, codes
//! from a correct phone are rejected and only the portal can fix it; if the phone's clock is off,
//! Kunci's corrected codes are still right (other apps' are not).

use serde::{Deserialize, Serialize};

use super::sources::parse_http_date;
use super::words::{duration, plus_minus};
use super::{TimeError, TimeEstimate, TimeStatus};

/// A clock further off than this (beyond the measurement's uncertainty) is called wrong: portals
/// commonly accept one 30 s step either side, so from 10 s on codes start to fail near a step
/// boundary.
pub const CLOCK_OFF_MS: u64 = 10_000;

/// Who is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum PortalVerdict {
    /// Both the portal and the phone agree with trusted time.
    BothRight,
    /// Only the phone's clock is off (Kunci's codes are corrected).
    PhoneOff,
    /// The portal's clock is off: codes from a correct phone may be rejected.
    PortalOff,
    /// Both are off.
    BothOff,
    /// Kunci's time is not verified: it cannot say who is wrong.
    Unverified,
}

/// The result of `kunci time check URL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalCheck {
    pub url: String,
    /// The portal's clock minus trusted time.
    pub portal_offset_ms: i64,
    /// The portal offset is within `portal_offset_ms ± uncertainty_ms`.
    pub uncertainty_ms: u64,
    /// Trusted time minus the phone's clock (positive: the phone is behind).
    pub phone_offset_ms: i64,
    pub time_status: TimeStatus,
    pub verdict: PortalVerdict,
    /// Trusted UTC of the check.
    pub checked_utc_ms: i64,
    /// The answer in one sentence.
    pub message: String,
}

/// The check from the portal's `Date` header and the trusted time read just before and just
/// after fetching it (pure: the fetch and the clock are the caller's).
pub(super) fn compare(
    url: &str,
    date: &str,
    before: &TimeEstimate,
    after: &TimeEstimate,
) -> Result<PortalCheck, TimeError> {
    let d = parse_http_date(date).ok_or_else(|| TimeError::Network {
        reason: format!("{url} sent a Date header that is not a date: {date:.64}"),
    })?;
    // The portal said D (whole seconds) somewhere between the two readings.
    let lo = d.saturating_sub(after.utc_ms);
    let hi = d.saturating_add(1000).saturating_sub(before.utc_ms);
    let portal_offset_ms = lo.saturating_add(hi.saturating_sub(lo) / 2);
    let uncertainty_ms =
        (hi.saturating_sub(lo).unsigned_abs() / 2).saturating_add(after.uncertainty_ms);
    let mut check = PortalCheck {
        url: url.to_string(),
        portal_offset_ms,
        uncertainty_ms,
        phone_offset_ms: after.offset_ms,
        time_status: after.status,
        verdict: PortalVerdict::Unverified,
        checked_utc_ms: after.utc_ms,
        message: String::new(),
    };
    check.verdict = verdict(&check);
    check.message = sentence(&check);
    Ok(check)
}

fn off(offset_ms: i64, uncertainty_ms: u64) -> bool {
    offset_ms.unsigned_abs() > CLOCK_OFF_MS.saturating_add(uncertainty_ms)
}

fn verdict(c: &PortalCheck) -> PortalVerdict {
    if !matches!(c.time_status, TimeStatus::Synced | TimeStatus::Drifting) {
        return PortalVerdict::Unverified;
    }
    match (
        off(c.portal_offset_ms, c.uncertainty_ms),
        off(c.phone_offset_ms, c.uncertainty_ms),
    ) {
        (false, false) => PortalVerdict::BothRight,
        (false, true) => PortalVerdict::PhoneOff,
        (true, false) => PortalVerdict::PortalOff,
        (true, true) => PortalVerdict::BothOff,
    }
}

fn side(offset_ms: i64) -> &'static str {
    if offset_ms > 0 {
        "ahead"
    } else {
        "behind"
    }
}

fn sentence(c: &PortalCheck) -> String {
    let portal = format!(
        "the portal's clock is {} {} of the true time ({})",
        duration(c.portal_offset_ms.unsigned_abs()),
        side(c.portal_offset_ms),
        plus_minus(c.uncertainty_ms)
    );
    // phone_offset is trusted minus phone: a positive value means the phone is behind.
    let phone = format!(
        "the phone clock is {} {}",
        duration(c.phone_offset_ms.unsigned_abs()),
        side(-c.phone_offset_ms)
    );
    match c.verdict {
        PortalVerdict::BothRight => format!(
            "Both clocks are right: the portal is within {} of the true time and so is the \
             phone; if codes are still rejected, run the doctor for the account.",
            duration(c.portal_offset_ms.unsigned_abs().max(c.uncertainty_ms))
        ),
        PortalVerdict::PhoneOff => format!(
            "The phone is off, not the portal: {phone}; Kunci's codes use the corrected time, \
             other apps on this phone will be rejected until its clock is fixed."
        ),
        PortalVerdict::PortalOff => format!(
            "The portal is off, not the phone: {portal}; codes may be rejected until the \
             portal fixes its clock — tell its helpdesk."
        ),
        PortalVerdict::BothOff => format!(
            "Both are off: {portal}, and {phone} (Kunci corrects the phone; only the portal's \
             helpdesk can fix the portal)."
        ),
        PortalVerdict::Unverified => format!(
            "Kunci's time is not verified, so it cannot tell whose clock is wrong: sync time \
             first. Compared with Kunci's unverified time, {portal}."
        ),
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
