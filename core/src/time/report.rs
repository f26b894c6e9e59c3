//! What a sync tells its caller: the [`SyncReport`] with its [`SyncStatus`], the sources that
//! were [`Rejected`], and the report in one sentence. Data and words only; the decision that
//! fills it is in `decide`, the clock that returns it in [`super::trusted`].

use serde::Serialize;

use super::anchor::SourceSummary;
use super::words::{duration, phone_clock, plus_minus};
use super::TimeEstimate;

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// The agreed time was applied.
    Synced,
    /// The agreed time is far from what we already trust: held until a later sync (backwards)
    /// or an authenticated source (forwards) confirms it; the clock did not move.
    Quarantined,
    /// No strict majority or not enough agreeing sources: the clock did not move.
    NoConsensus,
    /// The sources that proved who they are (HTTPS, Roughtime) disagree with the majority of the
    /// others: someone on the network may be tampering with time. The clock did not move.
    Conflict,
}

/// A source whose answer was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub source: String,
    /// A stable code ([`super::Rejection::code`]): `outlier`, `no_answer`, `bad_signature`, ...
    pub code: String,
    /// The reason in words.
    pub reason: String,
    /// For sources that answered but were not used: their distance from the agreed time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_by_ms: Option<i64>,
}

/// The outcome of a sync (`kunci time sync --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub status: SyncStatus,
    /// After the sync: corrected time minus the wall clock.
    pub offset_ms: i64,
    pub uncertainty_ms: u64,
    pub agreeing: usize,
    pub responded: usize,
    /// The agreeing sources needed (the quorum), so "2 of 3 agree" can say what blocked it.
    pub quorum: usize,
    pub rejected: Vec<Rejected>,
    /// The result that was held back (quarantined): its offset from the wall clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_offset_ms: Option<i64>,
    /// The agreeing sources that proved who they are (verified HTTPS, signed Roughtime).
    pub authenticated: Vec<String>,
    /// What happened, in one sentence for users.
    pub message: String,
    /// This sync confirmed an earlier quarantined result.
    pub confirmed: bool,
    #[serde(skip)]
    pub estimate: TimeEstimate,
    #[serde(skip)]
    pub sources: Vec<SourceSummary>,
}

/// One sentence for a sync outcome. `forward`: the held-back jump moves time forwards (only an
/// authenticated source can confirm it).
pub fn sync_sentence(r: &SyncReport, forward: bool) -> String {
    let agree = format!("{} of {} sources agree", r.agreeing, r.responded);
    match r.status {
        SyncStatus::Synced => {
            let how = if r.authenticated.is_empty() {
                String::new()
            } else {
                format!(", {} of them authenticated", r.authenticated.len())
            };
            format!(
                "Time verified ({agree}{how}): {}; codes use the corrected time {}.",
                phone_clock(r.offset_ms, r.uncertainty_ms),
                plus_minus(r.uncertainty_ms)
            )
        }
        SyncStatus::Quarantined => {
            let by = r
                .held_offset_ms
                .map(|h| h.saturating_sub(r.offset_ms))
                .map(|d| {
                    let side = if d > 0 { "ahead" } else { "back" };
                    format!(" ({} {side})", duration(d.unsigned_abs()))
                })
                .unwrap_or_default();
            let confirm = if forward {
                "it needs confirmation from a source that proves who it is (HTTPS or Roughtime)"
            } else {
                "sync again in a few minutes to confirm it"
            };
            format!(
                "Held back: the time servers ({agree}) moved time much more than expected{by}; \
                 the clock was not changed; {confirm}."
            )
        }
        SyncStatus::NoConsensus if r.agreeing < r.quorum => format!(
            "Not verified: {agree}, but {} must agree; the clock was not changed. Check the \
             network (a network blocking time servers, or a captive portal) and sync again.",
            r.quorum
        ),
        SyncStatus::NoConsensus => format!(
            "Not verified: {agree}, not a clear majority; the clock was not changed. Sync again \
             later, or on another network."
        ),
        SyncStatus::Conflict => format!(
            "Not verified: the sources that prove who they are disagree with the others ({agree}); \
             someone on this network may be tampering with time. The clock was not changed; \
             sync on another network."
        ),
    }
}
