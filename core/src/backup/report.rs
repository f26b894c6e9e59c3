//! What an import did, entry by entry, for the CLI and the apps to show.

use super::{BackupAccount, ImportBatch, ImportWarning, RefusedEntry};
use crate::secret::Secret;

/// An import after de-duplication against the vault: what to add, what was already there, what
/// could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: Vec<BackupAccount>,
    /// Already in the vault (same issuer, name and secret), or twice in the file.
    pub duplicates: Vec<BackupAccount>,
    pub refused: Vec<RefusedEntry>,
    pub warnings: Vec<ImportWarning>,
}

/// One line of an import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub label: String,
    pub status: ReportStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportStatus {
    Added,
    Duplicate,
    Refused { reason: String },
}

impl std::fmt::Display for ReportLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.status {
            ReportStatus::Added => write!(f, "added: {}", self.label),
            ReportStatus::Duplicate => write!(f, "already there, skipped: {}", self.label),
            ReportStatus::Refused { reason } => write!(f, "not imported: {}: {reason}", self.label),
        }
    }
}

impl ImportBatch {
    /// Splits the batch into new accounts and duplicates. `exists(issuer, name, secret)` asks
    /// the vault; an account that appears twice in the file is added once.
    pub fn split(self, mut exists: impl FnMut(&str, &str, &Secret) -> bool) -> ImportOutcome {
        let mut outcome = ImportOutcome {
            refused: self.refused,
            warnings: self.warnings,
            ..ImportOutcome::default()
        };
        for account in self.accounts {
            let seen = outcome.added.iter().any(|a| {
                a.issuer == account.issuer
                    && a.name == account.name
                    && a.params.secret == account.params.secret
            });
            if seen || exists(&account.issuer, &account.name, &account.params.secret) {
                outcome.duplicates.push(account);
            } else {
                outcome.added.push(account);
            }
        }
        outcome
    }
}

impl ImportOutcome {
    /// Added, then duplicates, then refused entries: one line each.
    pub fn report(&self) -> Vec<ReportLine> {
        let mut lines = Vec::new();
        lines.extend(self.added.iter().map(|a| ReportLine {
            label: a.label(),
            status: ReportStatus::Added,
        }));
        lines.extend(self.duplicates.iter().map(|a| ReportLine {
            label: a.label(),
            status: ReportStatus::Duplicate,
        }));
        lines.extend(self.refused.iter().map(|r| ReportLine {
            label: r.label.clone(),
            status: ReportStatus::Refused {
                reason: r.reason.clone(),
            },
        }));
        lines
    }
}
