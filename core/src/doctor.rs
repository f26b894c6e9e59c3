//! The doctor for "Invalid Authenticator Code": walks the known causes for an account (or all)
//! and returns ordered findings, each with a stable code, the machine facts behind it and a
//! sentence a non-engineer can act on. When nothing is wrong it returns the text of a helpdesk
//! ticket instead. `Kunci::doctor` gathers the input from the open vault and its clock; `kunci
//! doctor`, the FFI and the apps' guided help are thin layers over it. [`diagnose`] is the pure
//! part (tests set each finding up through it), so this module needs nothing of the app layer.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::otp::{HashAlgorithm, OtpKind};
use crate::time::anchor::SyncAttempt;
use crate::time::words::{duration, phone_clock};
use crate::time::{PortalVerdict, TimeDiagnostics, TimeStatus};
use crate::vault::Account;

/// A phone clock further off than this is worth fixing for other apps (Kunci corrects it).
pub const PHONE_OFF_MS: i64 = 30_000;
/// HOTP servers look ahead 10–20 codes at most; a counter past this was likely pressed ahead.
pub const HOTP_AHEAD: u64 = 20;

/// One thing the doctor found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable: `time_tampered`, `time_unverified`, `sync_no_quorum`, `phone_clock_off`,
    /// `duplicate_account`, `unusual_parameters`, `hotp_counter_ahead`, `portal_clock_off`,
    /// `all_clear`.
    pub code: String,
    /// The account it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
    /// What to do, in one or two sentences (for `all_clear`: a helpdesk ticket).
    pub sentence: String,
    /// The machine facts behind it (no secrets).
    pub facts: BTreeMap<String, String>,
}

impl Finding {
    fn new(code: &str, account_id: Option<i64>, sentence: String) -> Self {
        Finding {
            code: code.to_string(),
            account_id,
            sentence,
            facts: BTreeMap::new(),
        }
    }
    fn fact(mut self, key: &str, value: impl ToString) -> Self {
        self.facts.insert(key.to_string(), value.to_string());
        self
    }
}

/// What the doctor looks at.
pub struct DoctorInput<'a> {
    pub time: &'a TimeDiagnostics,
    pub last_attempt: Option<&'a SyncAttempt>,
    /// Every account of the vault (duplicates are found across all of them).
    pub accounts: &'a [Account],
    /// Only this account, when given.
    pub account: Option<i64>,
}

/// The findings, most urgent first: time, network, the account's entries and parameters, the
/// portal; `all_clear` (a helpdesk ticket) when none.
pub fn diagnose(input: &DoctorInput) -> Vec<Finding> {
    let mut out = time_findings(input.time, input.last_attempt);
    let chosen: Vec<&Account> = input
        .accounts
        .iter()
        .filter(|a| input.account.is_none_or(|id| a.id == id))
        .collect();
    for a in &chosen {
        out.extend(duplicate(a, input.accounts));
        out.extend(parameters(a));
    }
    out.extend(portal(input.time));
    if out.is_empty() {
        out.push(ticket(input.time, &chosen));
    }
    out
}

fn time_findings(t: &TimeDiagnostics, attempt: Option<&SyncAttempt>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(problem) = &t.tampered {
        out.push(
            Finding::new(
                "time_tampered",
                None,
                format!(
                    "The saved trusted time was tampered with ({problem}). Sync time now, on a \
                     network you trust."
                ),
            )
            .fact("reason", problem),
        );
    } else if matches!(t.status, TimeStatus::Unverified | TimeStatus::Conflict) {
        out.push(
            Finding::new(
                "time_unverified",
                None,
                "The time is not verified, so codes use the phone clock as it is and may be \
                 rejected. Sync time now."
                    .to_string(),
            )
            .fact("status", t.status.as_str())
            .fact("uncertainty_ms", t.uncertainty_ms)
            .fact("last_sync", t.last_sync.as_deref().unwrap_or("never")),
        );
    }
    if let Some(a) = attempt.filter(|a| a.outcome == "offline" || a.outcome == "no_consensus") {
        let why = if a.outcome == "offline" {
            "no time source answered".to_string()
        } else {
            format!(
                "only {} of {} sources agreed, {} needed",
                a.agreeing, a.responded, a.quorum
            )
        };
        out.push(
            Finding::new(
                "sync_no_quorum",
                None,
                format!(
                    "The last sync did not reach agreement ({why}): the network may block time \
                     servers (office and government networks often block port 123). Try \
                     another network, e.g. mobile data, and sync again."
                ),
            )
            .fact("outcome", &a.outcome)
            .fact("agreeing", a.agreeing)
            .fact("responded", a.responded)
            .fact("quorum", a.quorum)
            .fact("asked", a.asked),
        );
    }
    if matches!(t.status, TimeStatus::Synced | TimeStatus::Drifting)
        && t.offset_ms.abs() > PHONE_OFF_MS
    {
        out.push(
            Finding::new(
                "phone_clock_off",
                None,
                format!(
                    "The {}. Kunci's codes are corrected, but other apps on this phone are not: \
                     set the phone's date and time to automatic.",
                    phone_clock(t.offset_ms, t.uncertainty_ms)
                ),
            )
            .fact("offset_ms", t.offset_ms),
        );
    }
    out
}

fn same_entry(a: &Account, b: &Account) -> bool {
    a.issuer.eq_ignore_ascii_case(&b.issuer) && a.name.eq_ignore_ascii_case(&b.name)
}

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// Two entries for the same issuer and account: typically the old token kept after the portal's
/// "Reset MFA". The newest is the one the portal knows.
fn duplicate(a: &Account, all: &[Account]) -> Option<Finding> {
    let same: Vec<&Account> = all.iter().filter(|b| same_entry(a, b)).collect();
    if same.len() < 2 {
        return None;
    }
    let newest = same
        .iter()
        .max_by_key(|b| (b.created_at, b.id))
        .copied()
        .unwrap_or(a);
    let ids: Vec<String> = same.iter().map(|b| b.id.to_string()).collect();
    let this = if newest.id == a.id {
        "this one is the newest".to_string()
    } else {
        format!("this one (#{}) is older: delete it", a.id)
    };
    Some(
        Finding::new(
            "duplicate_account",
            Some(a.id),
            format!(
                "There are {} entries for {} ({}), usually the old one kept after \"Reset MFA\". \
                 Use the newest, added on {} (#{}); {this}.",
                same.len(),
                a.issuer,
                a.name,
                date(newest.created_at),
                newest.id
            ),
        )
        .fact("ids", ids.join(","))
        .fact("newest_id", newest.id)
        .fact("newest_added", date(newest.created_at)),
    )
}

fn parameters(a: &Account) -> Vec<Finding> {
    let p = &a.params;
    let mut out = Vec::new();
    if p.kind == OtpKind::Totp {
        let mut odd = Vec::new();
        if p.period != 30 {
            odd.push(format!("a {} s step (not 30 s)", p.period));
        }
        if p.algorithm != HashAlgorithm::Sha1 {
            odd.push(format!("{} (not SHA1)", p.algorithm.as_str()));
        }
        if p.digits != 6 {
            odd.push(format!("{} digits (not 6)", p.digits));
        }
        if !odd.is_empty() {
            out.push(
                Finding::new(
                    "unusual_parameters",
                    Some(a.id),
                    format!(
                        "{} uses {}. Many portals ignore these settings and expect 6 digits, \
                         SHA1 and 30 s: if codes are rejected, enroll again from the portal's \
                         QR code and check the code it shows.",
                        a.issuer,
                        odd.join(", ")
                    ),
                )
                .fact("period", p.period)
                .fact("algorithm", p.algorithm.as_str())
                .fact("digits", p.digits),
            );
        }
    }
    if p.kind == OtpKind::Hotp && p.counter > HOTP_AHEAD {
        out.push(
            Finding::new(
                "hotp_counter_ahead",
                Some(a.id),
                format!(
                    "The counter of {} is at {}: if \"next code\" was pressed without using the \
                     codes, the portal may be behind by more than it looks ahead. Ask the \
                     portal to resynchronise the token.",
                    a.issuer, p.counter
                ),
            )
            .fact("counter", p.counter),
        );
    }
    out
}

fn portal(t: &TimeDiagnostics) -> Option<Finding> {
    let c = t.portal_check.as_ref()?;
    matches!(c.verdict, PortalVerdict::PortalOff | PortalVerdict::BothOff).then(|| {
        Finding::new("portal_clock_off", None, c.message.clone())
            .fact("url", &c.url)
            .fact("portal_offset_ms", c.portal_offset_ms)
            .fact("uncertainty_ms", c.uncertainty_ms)
    })
}

/// Nothing wrong on this side: the text of a helpdesk ticket with the facts the portal's
/// support needs (no secrets).
fn ticket(t: &TimeDiagnostics, accounts: &[&Account]) -> Finding {
    let mut lines = vec![
        "Authenticator codes are rejected although the phone side checks out:".to_string(),
        format!(
            "- time verified (last sync {}), {}, codes within {}",
            t.last_sync.as_deref().unwrap_or("never"),
            t.phone_clock,
            duration(t.uncertainty_ms)
        ),
    ];
    for a in accounts {
        lines.push(format!(
            "- account {} ({}): {} {} digits {}, one entry",
            a.issuer,
            a.name,
            a.params.algorithm.as_str(),
            a.params.digits,
            match a.params.kind {
                OtpKind::Hotp => format!("counter {}", a.params.counter),
                _ => format!("{} s step", a.params.period),
            }
        ));
    }
    if let Some(c) = &t.portal_check {
        lines.push(format!("- portal clock: {}", c.message));
    }
    lines.push(
        "Please check the authenticator registered for this account on the portal (it may \
         expect a token from before a reset)."
            .to_string(),
    );
    Finding::new("all_clear", None, lines.join("\n")).fact("accounts", accounts.len())
}

#[cfg(test)]
#[path = "doctor_tests.rs"]
mod tests;
