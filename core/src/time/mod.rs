//! Trusted time: codes that are right even when the phone's clock is wrong.
//!
//! A sync asks several NTP servers (and optionally HTTPS `Date` sources) for "UTC − boot clock",
//! keeps only an interval a strict majority agrees on ([`consensus`]), and stores it as an
//! [`Anchor`] on the boot clock, which users cannot set. [`TrustedClock::now`] then carries time
//! offline on the boot clock, with an uncertainty that grows with elapsed time. A result far from
//! what the anchor predicts is quarantined until confirmed: moving time forward on a lie would let
//! an attacker harvest future codes.
//!
//! Modules, from the ground up: [`clock`] (clock traits), [`words`] (sentences), [`sntp`] (packet
//! codec and checks), [`consensus`] (Marzullo, authenticated sources in charge), `sample` (one
//! source's answer, whatever the protocol), [`roughtime`] (signed time), [`sources`] (UDP/HTTP
//! queries), [`check`] (a portal's clock against trusted time), [`anchor`] (persistent state and
//! prediction), `estimate` (UTC now from the state), `report` (a sync's outcome), `decide` (the
//! sync decision), [`trusted`] (the `TrustedClock`), [`server`] (a skewed or misbehaving NTP
//! server for tests and QA). Each file uses only files listed before it and the shared types
//! below, so the module has no import cycle.

pub mod anchor;
pub mod check;
pub mod clock;
pub mod consensus;
mod decide;
mod estimate;
#[cfg(any(test, feature = "testkit"))]
mod fakes;
mod report;
pub mod roughtime;
mod sample;
#[cfg(any(test, feature = "testkit"))]
pub mod server;
pub mod sntp;
pub mod sources;
pub mod trusted;
pub mod words;

#[cfg(test)]
mod tests;

pub use anchor::{SourceSummary, TimeState, TimeStore};
pub use check::{PortalCheck, PortalVerdict};
pub use clock::{BootClock, SystemBootClock, SystemWallClock, WallClock};
pub use estimate::needs_warning;
#[cfg(any(test, feature = "testkit"))]
pub use fakes::{FakeBootClock, FakeWallClock, FileTimeStore, MemoryTimeStore};
pub use report::{SyncReport, SyncStatus};
pub use roughtime::RoughtimeServer;
#[cfg(feature = "testkit")]
pub use server::{serve, ServeOptions};
#[cfg(any(test, feature = "testkit"))]
pub use server::{FakeNtpServer, Misbehaviour};
pub use sources::{HttpsDate, PlainHttpDate, SyncConfig, DEFAULT_HTTPS_URLS};
pub use trusted::{TimeDiagnostics, TrustedClock};

use serde::Serialize;

/// Errors of the time module; the text is meant for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("no time server answered ({details}); check the network connection and try again")]
    Offline { details: String },
    #[error("no time servers are configured")]
    NoSources,
    #[error("the saved time state is unreadable ({reason}); a new sync will replace it")]
    CorruptState { reason: String },
    #[error("the time state could not be saved: {reason}")]
    Store { reason: String },
    #[error("the time server address {address} is not valid: {reason}")]
    BadAddress { address: String, reason: String },
    #[error("network error: {reason}")]
    Network { reason: String },
}

/// The error a platform implementation of a foreign trait ([`HttpsDate`], [`TimeStore`]) returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("{reason}")]
    Failed { reason: String },
}

/// How far the current time can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, uniffi::Enum)]
#[serde(rename_all = "lowercase")]
pub enum TimeStatus {
    /// Carried on the boot clock from a recent agreed sync.
    Synced,
    /// Carried on the boot clock, but long enough ago that the uncertainty has grown.
    Drifting,
    /// No sync in this boot: the wall clock plus the last known offset.
    Unverified,
    /// The clock is below a time we already trusted (someone set it back); the time shown is
    /// that lower bound.
    Conflict,
}

impl TimeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeStatus::Synced => "synced",
            TimeStatus::Drifting => "drifting",
            TimeStatus::Unverified => "unverified",
            TimeStatus::Conflict => "conflict",
        }
    }
}

/// Uncertainty reported when nothing but the wall clock is known: a day, i.e. "unknown" (a
/// finite number, so JSON consumers and the warning helper handle it).
pub const UNKNOWN_UNCERTAINTY_MS: u64 = 86_400_000;

/// The best estimate of UTC now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeEstimate {
    pub utc_ms: i64,
    /// UTC is within `utc_ms ± uncertainty_ms` (as far as our model of the clocks holds).
    pub uncertainty_ms: u64,
    pub status: TimeStatus,
    /// Corrected time minus the wall clock.
    pub offset_ms: i64,
}

impl TimeEstimate {
    /// Unix seconds for OTP code generation (floor, also for times before 1970).
    pub fn unix_seconds(&self) -> i64 {
        self.utc_ms.div_euclid(1000)
    }
}

/// Whether the time is too uncertain for codes of `period_seconds`: the uncertainty is over a
/// quarter of the step, so the shown code may be the neighbour of the right one. (A Conflict is
/// also worth a warning; the status says so on its own.)
pub fn uncertainty_near_step(estimate: &TimeEstimate, period_seconds: u64) -> bool {
    let quarter_ms = period_seconds.saturating_mul(1000) / 4;
    estimate.uncertainty_ms > quarter_ms
}
