//! Records and enums that cross the FFI. Secrets never do: accounts come back without them.

use crate::app::{AccountCode, CodeSheet, EnrollOutcome};
use crate::backup::{self, ImportOutcome, ReportStatus};
use crate::enroll::qr::QrPayload;
use crate::enroll::{parse_payload, starts_with_ignore_case, Enrollment, Payload};
use crate::otp::{HashAlgorithm, OtpKind, OtpParams};
use crate::time::{
    SourceSummary, SyncReport, SyncStatus, TimeDiagnostics, TimeEstimate, TimeStatus,
};
use crate::vault::Account;

/// An account as a list shows it; the secret stays in the core.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountInfo {
    pub id: i64,
    pub issuer: String,
    pub name: String,
    pub kind: OtpKind,
    pub algorithm: HashAlgorithm,
    pub digits: u8,
    pub period: u32,
    pub counter: u64,
    pub notes: String,
    pub group: Option<String>,
    pub icon: Option<String>,
    pub position: i64,
}

impl From<&Account> for AccountInfo {
    fn from(a: &Account) -> Self {
        AccountInfo {
            id: a.id,
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            kind: a.params.kind,
            algorithm: a.params.algorithm,
            digits: a.params.digits,
            period: a.params.period,
            counter: a.params.counter,
            notes: a.notes.clone(),
            group: a.group.clone(),
            icon: a.icon.clone(),
            position: a.position,
        }
    }
}

/// What an otpauth URI holds, before it is saved (for a confirmation screen).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountPreview {
    pub issuer: String,
    pub name: String,
    pub kind: OtpKind,
    pub algorithm: HashAlgorithm,
    pub digits: u8,
    pub period: u32,
    pub counter: u64,
    pub secret_bits: u32,
    /// What the parser fixed, to show the user.
    pub warnings: Vec<String>,
}

impl From<&Enrollment> for AccountPreview {
    fn from(e: &Enrollment) -> Self {
        AccountPreview {
            issuer: e.issuer.clone(),
            name: e.name.clone(),
            kind: e.params.kind,
            algorithm: e.params.algorithm,
            digits: e.params.digits,
            period: e.params.period,
            counter: e.params.counter,
            secret_bits: u32::try_from(e.params.secret.len() * 8).unwrap_or(u32::MAX),
            warnings: e.warnings.iter().map(|w| w.to_string()).collect(),
        }
    }
}

/// One account's code at one instant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeInfo {
    /// The account's id, or 0 for a code computed from a URI.
    pub account_id: i64,
    pub issuer: String,
    pub name: String,
    pub kind: OtpKind,
    pub code: String,
    pub previous: Option<String>,
    pub next: String,
    /// Unix seconds the code is valid from; `None` for HOTP (valid until used).
    pub valid_from: Option<i64>,
    /// Unix seconds it stops being valid (exclusive); `None` for HOTP.
    pub valid_until: Option<i64>,
    pub period: u32,
    pub counter: u64,
}

impl CodeInfo {
    pub(crate) fn new(
        account_id: i64,
        issuer: &str,
        name: &str,
        p: &OtpParams,
        v: crate::otp::CodeView,
    ) -> Self {
        let timed = p.kind.is_time_based();
        CodeInfo {
            account_id,
            issuer: issuer.to_string(),
            name: name.to_string(),
            kind: p.kind,
            code: v.code,
            previous: v.previous,
            next: v.next,
            valid_from: timed.then(|| signed(v.valid_from)),
            valid_until: timed.then(|| signed(v.valid_until)),
            period: p.period,
            counter: v.counter,
        }
    }
}

impl From<AccountCode> for CodeInfo {
    fn from(c: AccountCode) -> Self {
        CodeInfo::new(
            c.account.id,
            &c.account.issuer,
            &c.account.name,
            &c.account.params,
            c.view,
        )
    }
}

/// A time or duration as a signed 64-bit number (Kotlin `Long`, Swift `Int64`). The core's
/// values are far below `i64::MAX`; one beyond it saturates instead of wrapping negative.
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The time codes are computed at, and how far it can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TimeInfo {
    pub utc_ms: i64,
    pub uncertainty_ms: i64,
    pub status: TimeStatus,
    /// Corrected time minus the device's wall clock.
    pub offset_ms: i64,
}

impl From<TimeEstimate> for TimeInfo {
    fn from(t: TimeEstimate) -> Self {
        TimeInfo {
            utc_ms: t.utc_ms,
            uncertainty_ms: signed(t.uncertainty_ms),
            status: t.status,
            offset_ms: t.offset_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnreadableAccount {
    pub id: i64,
    pub detail: String,
}

/// The code list screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeList {
    pub time: TimeInfo,
    pub codes: Vec<CodeInfo>,
    pub unreadable: Vec<UnreadableAccount>,
    /// Time is uncertain enough that a code may be a step off: show a "sync time" banner.
    pub time_warning: bool,
}

impl From<CodeSheet> for CodeList {
    fn from(s: CodeSheet) -> Self {
        CodeList {
            time: s.time.into(),
            codes: s.codes.into_iter().map(CodeInfo::from).collect(),
            unreadable: s
                .unreadable
                .into_iter()
                .map(|f| UnreadableAccount {
                    id: f.id,
                    detail: f.error.to_string(),
                })
                .collect(),
            time_warning: s.time_warning,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefusedItem {
    pub label: String,
    pub reason: String,
}

/// Which QR code of a multi-code Google export this was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ExportBatch {
    pub index: u32,
    pub size: u32,
    pub id: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnrollReport {
    pub added: Vec<AccountInfo>,
    pub warnings: Vec<String>,
    pub batch: Option<ExportBatch>,
    pub refused: Vec<RefusedItem>,
}

impl From<EnrollOutcome> for EnrollReport {
    fn from(o: EnrollOutcome) -> Self {
        EnrollReport {
            added: o.added.iter().map(AccountInfo::from).collect(),
            warnings: o.warnings,
            batch: o.batch.map(|b| ExportBatch {
                index: b.index,
                size: b.size,
                id: b.id,
            }),
            refused: o
                .refused
                .into_iter()
                .map(|(label, reason)| RefusedItem { label, reason })
                .collect(),
        }
    }
}

/// File formats `import_file` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportFormat {
    Kunci,
    Aegis,
    TwoFas,
    Google,
    Ente,
    Uris,
    FreeOtpPlus,
    Bitwarden,
}

impl From<ImportFormat> for backup::Format {
    fn from(f: ImportFormat) -> Self {
        match f {
            ImportFormat::Kunci => backup::Format::Kunci,
            ImportFormat::Aegis => backup::Format::Aegis,
            ImportFormat::TwoFas => backup::Format::TwoFas,
            ImportFormat::Google => backup::Format::Google,
            ImportFormat::Ente => backup::Format::Ente,
            ImportFormat::Uris => backup::Format::Uris,
            ImportFormat::FreeOtpPlus => backup::Format::FreeOtpPlus,
            ImportFormat::Bitwarden => backup::Format::Bitwarden,
        }
    }
}

/// One format of the registry, for an import screen: `name` is what `import_files` takes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportFormatInfo {
    pub name: String,
    pub title: String,
    pub keeps: String,
    pub cannot: String,
}

impl From<backup::FormatInfo> for ImportFormatInfo {
    fn from(f: backup::FormatInfo) -> Self {
        ImportFormatInfo {
            name: f.name.into(),
            title: f.title.into(),
            keeps: f.keeps.into(),
            cannot: f.cannot.into(),
        }
    }
}

/// Cancels a long import from another thread (a Cancel button beside a progress spinner).
#[derive(Debug, Default, uniffi::Object)]
pub struct ImportCancel {
    pub(crate) inner: std::sync::Arc<backup::Cancel>,
}

#[uniffi::export]
impl ImportCancel {
    #[uniffi::constructor]
    pub fn new() -> std::sync::Arc<Self> {
        std::sync::Arc::new(ImportCancel::default())
    }

    pub fn cancel(&self) {
        self.inner.cancel();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    pub added: u32,
    pub duplicates: u32,
    pub refused: Vec<RefusedItem>,
    /// One sentence per entry ("GitHub (jo): added"), for a results screen.
    pub lines: Vec<String>,
    /// The formats read (registry names), so the screen can say what the file was.
    pub formats: Vec<String>,
}

impl From<ImportOutcome> for ImportReport {
    fn from(o: ImportOutcome) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let lines = o.report().iter().map(|l| l.to_string()).collect();
        let refused = o
            .report()
            .into_iter()
            .filter_map(|l| match l.status {
                ReportStatus::Refused { reason } => Some(RefusedItem {
                    label: l.label,
                    reason,
                }),
                _ => None,
            })
            .collect();
        ImportReport {
            added: count(o.added.len()),
            duplicates: count(o.duplicates.len()),
            refused,
            lines,
            formats: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedSource {
    pub source: String,
    pub reason: String,
}

/// The outcome of a time sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncResult {
    pub status: SyncStatus,
    pub offset_ms: i64,
    pub uncertainty_ms: i64,
    pub agreeing: u32,
    pub responded: u32,
    pub rejected: Vec<RejectedSource>,
    pub time: TimeInfo,
}

impl From<SyncReport> for SyncResult {
    fn from(r: SyncReport) -> Self {
        SyncResult {
            status: r.status,
            offset_ms: r.offset_ms,
            uncertainty_ms: signed(r.uncertainty_ms),
            agreeing: u32::try_from(r.agreeing).unwrap_or(u32::MAX),
            responded: u32::try_from(r.responded).unwrap_or(u32::MAX),
            rejected: r
                .rejected
                .into_iter()
                .map(|x| RejectedSource {
                    source: x.source,
                    reason: x.reason,
                })
                .collect(),
            time: r.estimate.into(),
        }
    }
}

/// What a QR code found in a picture is, before anything is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrKind {
    /// An `otpauth://` URI: one account.
    Otpauth,
    /// A Google Authenticator export (`otpauth-migration://`): one QR code of a batch.
    Migration,
    /// Anything else (a web link, a Wi-Fi code, binary data): not an authenticator code.
    Other,
}

/// One QR code found in a picture, as a screen may show it: never the secret, never the raw
/// otpauth URI (issue 17, finding 8). To save it, pass the same frame or picture to
/// `Authenticator.enroll_frame` / `enroll_image`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrPreview {
    pub kind: QrKind,
    /// Otpauth: its one account; migration: every account this QR code holds; other: none.
    pub accounts: Vec<AccountPreview>,
    /// Migration: which QR code of the export this is and how many there are.
    pub batch: Option<ExportBatch>,
    /// Migration: entries of this QR code that cannot be used, and why.
    pub refused: Vec<RefusedItem>,
    /// Otpauth or migration that cannot be read: why, in a sentence.
    pub problem: Option<String>,
    /// Other: the code's text (a link, a Wi-Fi network), to explain what was scanned; `None`
    /// for binary data and always for otpauth and migration codes (they hold secrets).
    pub text: Option<String>,
}

impl From<&QrPayload> for QrPreview {
    fn from(p: &QrPayload) -> Self {
        let empty = |kind| QrPreview {
            kind,
            accounts: Vec::new(),
            batch: None,
            refused: Vec::new(),
            problem: None,
            text: None,
        };
        let Some(text) = p.text.as_deref() else {
            return empty(QrKind::Other);
        };
        let trimmed = text.trim();
        let kind = if starts_with_ignore_case(trimmed, "otpauth-migration:") {
            QrKind::Migration
        } else if starts_with_ignore_case(trimmed, "otpauth:") {
            QrKind::Otpauth
        } else {
            return QrPreview {
                text: Some(text.to_string()),
                ..empty(QrKind::Other)
            };
        };
        match parse_payload(trimmed) {
            Ok(Payload::Single(e)) => QrPreview {
                accounts: vec![AccountPreview::from(&e)],
                ..empty(kind)
            },
            Ok(Payload::Migration(m)) => QrPreview {
                accounts: m.accounts.iter().map(AccountPreview::from).collect(),
                batch: Some(ExportBatch {
                    index: m.batch.index,
                    size: m.batch.size,
                    id: m.batch.id,
                }),
                refused: m
                    .refused
                    .iter()
                    .map(|(_, label, reason)| RefusedItem {
                        label: label.clone(),
                        reason: reason.to_string(),
                    })
                    .collect(),
                ..empty(kind)
            },
            Err(e) => QrPreview {
                problem: Some(e.to_string()),
                ..empty(kind)
            },
        }
    }
}

/// One time source's part in the last sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceReport {
    pub source: String,
    /// "agreed", "outlier", or why it was rejected.
    pub result: String,
    /// Its offset from the agreed time, when it answered.
    pub offset_from_consensus_ms: Option<i64>,
    pub rtt_ms: Option<i64>,
}

/// What a helpdesk needs to see about time: no secrets, no account names. `json` is the same as
/// one JSON object, to attach to a ticket.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Diagnostics {
    pub status: TimeStatus,
    pub offset_ms: i64,
    pub uncertainty_ms: i64,
    pub utc_ms: i64,
    /// The last accepted sync, unix milliseconds and RFC 3339 UTC.
    pub last_sync_unix_ms: Option<i64>,
    pub last_sync: Option<String>,
    pub time_zone: String,
    pub utc_offset_seconds: i32,
    pub drift_ppm: Option<f64>,
    /// The last sync disagreed with the carried time and waits for confirmation.
    pub quarantined: bool,
    pub sources: Vec<SourceReport>,
    pub core_version: String,
    pub json: String,
}

impl From<TimeDiagnostics> for Diagnostics {
    fn from(d: TimeDiagnostics) -> Self {
        let json = serde_json::to_string(&d).unwrap_or_default();
        Diagnostics {
            status: d.status,
            offset_ms: d.offset_ms,
            uncertainty_ms: signed(d.uncertainty_ms),
            utc_ms: d.utc_ms,
            last_sync_unix_ms: d.last_sync_unix_ms,
            last_sync: d.last_sync,
            time_zone: d.time_zone,
            utc_offset_seconds: d.utc_offset_seconds,
            drift_ppm: d.drift_ppm,
            quarantined: d.quarantined,
            sources: d.sources.into_iter().map(SourceReport::from).collect(),
            core_version: env!("CARGO_PKG_VERSION").into(),
            json,
        }
    }
}

impl From<SourceSummary> for SourceReport {
    fn from(s: SourceSummary) -> Self {
        SourceReport {
            source: s.source,
            result: s.result,
            offset_from_consensus_ms: s.offset_from_consensus_ms,
            rtt_ms: s.rtt_ms.map(signed),
        }
    }
}
