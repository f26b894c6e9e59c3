//! What every format module implements: the [`Importer`] trait, the file as detectors see it
//! ([`Sniff`]), the options of an import and what the user is told about a format. Kept apart
//! from the table in [`super::registry`], so that format modules depend on this file and the
//! table depends on them, never both ways.

use super::json::Scrubbed;
use super::kdf::{Cancel, KdfBudget};
use super::{BackupError, Format, ImportBatch};
use std::sync::Arc;

/// What the user is told about a format: its names, and what survives the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatInfo {
    pub format: Format,
    /// The `--format` name.
    pub name: &'static str,
    /// Other names `--format` accepts.
    pub aliases: &'static [&'static str],
    /// The app and file, as a person would name them.
    pub title: &'static str,
    /// What an import keeps.
    pub keeps: &'static str,
    /// What it cannot keep or read ("" when nothing is lost).
    pub cannot: &'static str,
}

/// How an import may proceed: the file's password, whether the user agreed to an expensive key
/// derivation, and a token to cancel a long one.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    pub password: Option<&'a str>,
    /// The user confirmed a key derivation above the usual bound (see [`super::kdf`]).
    pub allow_costly_kdf: bool,
    pub cancel: Option<Arc<Cancel>>,
}

impl<'a> ImportOptions<'a> {
    pub fn with_password(password: Option<&'a str>) -> Self {
        ImportOptions {
            password,
            ..ImportOptions::default()
        }
    }

    /// A fresh key-derivation budget for one file.
    pub(crate) fn budget(&self) -> KdfBudget {
        KdfBudget::new(self.allow_costly_kdf, self.cancel.clone())
    }
}

/// A file looked at once for every detector: its bytes, its text, its JSON if it is JSON.
pub(crate) struct Sniff<'a> {
    pub bytes: &'a [u8],
    /// The text without BOM and surrounding whitespace, when the file is UTF-8.
    pub text: Option<&'a str>,
    json: Option<Scrubbed>,
}

impl<'a> Sniff<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        let text = std::str::from_utf8(bytes)
            .ok()
            .map(|t| t.trim_start_matches('\u{feff}').trim());
        let json = text
            .filter(|t| t.starts_with('{') || t.starts_with('['))
            .and_then(|t| serde_json::from_str(t).ok())
            .map(Scrubbed);
        Sniff { bytes, text, json }
    }

    pub(crate) fn json(&self) -> Option<&serde_json::Value> {
        self.json.as_ref().map(|j| &j.0)
    }

    /// The JSON is an object with every one of `keys`.
    pub(crate) fn has_keys(&self, keys: &[&str]) -> bool {
        self.json()
            .and_then(|j| j.as_object())
            .is_some_and(|o| keys.iter().all(|k| o.contains_key(*k)))
    }
}

/// One file format: recognise it cheaply, read it with the options.
pub(crate) trait Importer: Sync {
    fn info(&self) -> &'static FormatInfo;
    /// Whether the file looks like this format. No decryption, no per-entry work.
    fn detect(&self, file: &Sniff<'_>) -> bool;
    /// Reads the file; its size was already checked by the entry point.
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError>;
}
