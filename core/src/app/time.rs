//! Trusted time as the app uses it: now, sync (with the one rule for which sources and quorum),
//! a caller-fixed time for QA, and the diagnostics a helpdesk reads.

use super::Kunci;
use crate::error::KunciError;
use crate::time::{SyncConfig, SyncReport, TimeDiagnostics, TimeEstimate, TimeStatus};

/// Which time sources a sync asks. `None` / empty keeps the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSources {
    /// NTP servers (host or host:port); `None`: the built-in public operators.
    pub ntp_servers: Option<Vec<String>>,
    /// URLs whose `Date` header is a source (through the platform's `HttpsDate`).
    pub https_urls: Vec<String>,
    /// Agreeing sources needed; `None`: the usual quorum, or every source when chosen by hand
    /// and fewer than that.
    pub quorum: Option<usize>,
}

impl SyncSources {
    /// The one way a `SyncConfig` is built from caller choices (the apps' options, their
    /// "sync with these servers", the CLI's flags). A quorum of 0 is refused: no agreement
    /// would be needed to move the clock.
    pub fn config(&self) -> Result<SyncConfig, KunciError> {
        let mut c = SyncConfig::default();
        let by_hand = self.ntp_servers.is_some() || !self.https_urls.is_empty();
        if let Some(ntp) = &self.ntp_servers {
            c.ntp_servers = ntp.clone();
        }
        c.https_urls = self.https_urls.clone();
        let sources = c.ntp_servers.len() + c.https_urls.len();
        c.quorum = match self.quorum {
            Some(0) => {
                return Err(KunciError::invalid(
                    "The quorum must be at least 1 agreeing time source.",
                ))
            }
            Some(q) => q,
            None if by_hand => sources.min(c.quorum).max(1),
            None => c.quorum,
        };
        Ok(c)
    }
}

/// A time given by the caller (QA, tests, `--at`), taken as verified: codes at that instant.
pub fn fixed_time(unix_ms: i64) -> TimeEstimate {
    TimeEstimate {
        utc_ms: unix_ms,
        uncertainty_ms: 0,
        status: TimeStatus::Synced,
        offset_ms: 0,
    }
}

impl Kunci {
    /// The trusted time now.
    pub fn now(&self) -> TimeEstimate {
        self.clock.now()
    }

    /// Seconds for the vault's created/updated stamps: the trusted time, not the raw wall clock.
    pub(super) fn stamp(&self) -> i64 {
        self.now().unix_seconds()
    }

    /// Syncs with the configured sources, or with `sources` instead (QA's `kunci time serve`).
    pub fn sync_time(&self, sources: Option<&SyncSources>) -> Result<SyncReport, KunciError> {
        let report = match sources {
            Some(s) => self.clock.sync_with(&s.config()?),
            None => self.clock.sync(),
        }?;
        Ok(report)
    }

    /// How many sources a sync with the configured sources asks.
    pub fn configured_sources(&self) -> usize {
        let c = self.clock.config();
        c.ntp_servers.len() + c.https_urls.len()
    }

    /// Time facts for a helpdesk: no secrets, no account names. The core reads no time zone;
    /// the caller passes the device's.
    pub fn diagnostics(&self, time_zone: &str, utc_offset_seconds: i32) -> TimeDiagnostics {
        self.clock.diagnostics(time_zone, utc_offset_seconds)
    }
}
