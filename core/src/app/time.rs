//! Trusted time as the app uses it: now, sync (with the one rule for which sources and quorum),
//! a caller-fixed time for QA, and the diagnostics a helpdesk reads.

use super::Kunci;
use crate::error::KunciError;
use crate::time::{
    RoughtimeServer, SyncConfig, SyncReport, TimeDiagnostics, TimeEstimate, TimeStatus,
};

/// Which time sources a sync asks. `None` keeps the built-in list of that kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSources {
    /// NTP servers (host or host:port); `None`: the built-in public operators.
    pub ntp_servers: Option<Vec<String>>,
    /// URLs whose `Date` header is a source (through the platform's `HttpsDate`); `None`: the
    /// built-in operators.
    pub https_urls: Option<Vec<String>>,
    /// Roughtime servers (authenticated time); `None`: the built-in public servers.
    pub roughtime_servers: Option<Vec<RoughtimeServer>>,
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
        let by_hand = self.ntp_servers.is_some()
            || self.https_urls.is_some()
            || self.roughtime_servers.is_some();
        if let Some(ntp) = &self.ntp_servers {
            c.ntp_servers = ntp.clone();
        }
        if let Some(urls) = &self.https_urls {
            c.https_urls = urls.clone();
        }
        if let Some(servers) = &self.roughtime_servers {
            c.roughtime_servers = servers.clone();
        }
        let sources = c.ntp_servers.len() + c.https_urls.len() + c.roughtime_servers.len();
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

    /// The apps' own HTTPS URLs, filled up from the built-in operators when fewer than the
    /// quorum: with UDP port 123 blocked (offices, government networks) two URLs could never
    /// reach a quorum of 3 (issue 11).
    pub fn https_filled_up(urls: &[String], quorum: usize) -> Option<Vec<String>> {
        if urls.is_empty() {
            return None;
        }
        let mut urls = urls.to_vec();
        if urls.len() < quorum {
            for d in crate::time::DEFAULT_HTTPS_URLS {
                if !urls.iter().any(|u| u == d) {
                    urls.push(d.to_string());
                }
            }
        }
        Some(urls)
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

    /// Syncs with a complete configuration (timeouts included): tests and benchmarks that
    /// need more control than [`SyncSources`] gives.
    pub fn sync_time_with_config(&self, config: &SyncConfig) -> Result<SyncReport, KunciError> {
        Ok(self.clock.sync_with(config)?)
    }

    /// How many sources a sync with the configured sources asks.
    pub fn configured_sources(&self) -> usize {
        let c = self.clock.config();
        c.ntp_servers.len() + c.https_urls.len() + c.roughtime_servers.len()
    }

    /// Time facts for a helpdesk: no secrets, no account names. The core reads no time zone;
    /// the caller passes the device's.
    pub fn diagnostics(&self, time_zone: &str, utc_offset_seconds: i32) -> TimeDiagnostics {
        self.clock.diagnostics(time_zone, utc_offset_seconds)
    }

    /// Whose clock is wrong: a portal's HTTPS `Date` against trusted time.
    pub fn check_portal(&self, url: &str) -> Result<crate::time::PortalCheck, KunciError> {
        Ok(self.clock.check_portal(url)?)
    }

    /// The last sync attempt, kept even when it failed (the doctor reads it).
    pub fn last_sync_attempt(&self) -> Option<crate::time::anchor::SyncAttempt> {
        self.clock.state().last_attempt
    }

    /// The doctor for "Invalid Authenticator Code", for one account or all.
    pub fn doctor(&self, account: Option<i64>) -> Result<Vec<crate::doctor::Finding>, KunciError> {
        let accounts = self.accounts()?.accounts;
        if let Some(id) = account {
            if !accounts.iter().any(|a| a.id == id) {
                // Reuse the vault's own "no such account" error and sentence.
                self.account(id)?;
            }
        }
        let time = self.diagnostics("UTC", 0);
        let last_attempt = self.last_sync_attempt();
        Ok(crate::doctor::diagnose(&crate::doctor::DoctorInput {
            time: &time,
            last_attempt: last_attempt.as_ref(),
            accounts: &accounts,
            account,
        }))
    }
}
