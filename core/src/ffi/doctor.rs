//! The FFI for trusted time in words, `time check` and the doctor (issue 11): records the apps'
//! guided help shows as they are. Additive: one more `#[uniffi::export] impl` of the same
//! `Authenticator`, so the rest of the surface is untouched.

use super::authenticator::Authenticator;
use crate::doctor;
use crate::error::KunciError;
use crate::time::{PortalVerdict, TimeStatus};

/// One fact behind a finding (machine-readable; no secrets).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DoctorFact {
    pub key: String,
    pub value: String,
}

/// One doctor finding, most urgent first in the list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DoctorFinding {
    /// Stable code: `time_tampered`, `time_unverified`, `sync_no_quorum`, `phone_clock_off`,
    /// `duplicate_account`, `unusual_parameters`, `hotp_counter_ahead`, `portal_clock_off`,
    /// `all_clear`.
    pub code: String,
    pub account_id: Option<i64>,
    /// What to do (for `all_clear`: the text of a helpdesk ticket).
    pub sentence: String,
    pub facts: Vec<DoctorFact>,
}

impl From<doctor::Finding> for DoctorFinding {
    fn from(f: doctor::Finding) -> Self {
        DoctorFinding {
            code: f.code,
            account_id: f.account_id,
            sentence: f.sentence,
            facts: f
                .facts
                .into_iter()
                .map(|(key, value)| DoctorFact { key, value })
                .collect(),
        }
    }
}

/// The time status in words, for a status line or a banner.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimeStatusInfo {
    pub status: TimeStatus,
    pub offset_ms: i64,
    pub uncertainty_ms: u64,
    /// "phone clock 1 min 30 s behind".
    pub phone_clock: String,
    /// One sentence, with what to do when the time is not verified.
    pub message: String,
    /// Show a warning: codes may be wrong until the next sync.
    pub warning: bool,
    /// Why the saved time is not trusted, if it was tampered with.
    pub tampered: Option<String>,
    /// The offset a held-back (quarantined) sync would apply.
    pub held_offset_ms: Option<i64>,
}

/// The answer of `check_portal_time`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PortalCheckInfo {
    pub url: String,
    pub portal_offset_ms: i64,
    pub uncertainty_ms: u64,
    pub phone_offset_ms: i64,
    pub verdict: PortalVerdict,
    pub message: String,
}

#[uniffi::export]
impl Authenticator {
    /// The time status in words (the phone clock's error, a warning flag, tampering).
    pub fn time_status(&self) -> TimeStatusInfo {
        let d = self.app().clock().diagnostics("UTC", 0);
        TimeStatusInfo {
            status: d.status,
            offset_ms: d.offset_ms,
            uncertainty_ms: d.uncertainty_ms,
            phone_clock: d.phone_clock,
            message: d.message,
            warning: d.warning,
            tampered: d.tampered,
            held_offset_ms: d.held_offset_ms,
        }
    }

    /// Whose clock is wrong: the portal's HTTPS `Date` (through the platform's client)
    /// against trusted time.
    pub fn check_portal_time(&self, url: String) -> Result<PortalCheckInfo, KunciError> {
        let c = self.app().clock().check_portal(&url)?;
        Ok(PortalCheckInfo {
            url: c.url,
            portal_offset_ms: c.portal_offset_ms,
            uncertainty_ms: c.uncertainty_ms,
            phone_offset_ms: c.phone_offset_ms,
            verdict: c.verdict,
            message: c.message,
        })
    }

    /// The doctor for "Invalid Authenticator Code", for one account or all.
    pub fn doctor(&self, account_id: Option<i64>) -> Result<Vec<DoctorFinding>, KunciError> {
        Ok(doctor::examine(self.app(), account_id)?
            .into_iter()
            .map(DoctorFinding::from)
            .collect())
    }
}
