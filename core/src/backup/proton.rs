//! Proton Authenticator's JSON export: `{version, entries: [{id, content: {uri, entry_type,
//! name}, note}]}`. Every entry carries a full `otpauth://` URI; `name` is what the app shows.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::Refusal;
use super::{collect, BackupError, Entry, Format, ImportBatch};
use crate::enroll::parse_uri;
use serde_json::Value;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Proton,
    name: "proton",
    aliases: &["proton-authenticator"],
    title: "Proton Authenticator export (.json, unencrypted)",
    keeps: "everything its otpauth:// URIs hold; the name the app shows, note",
    cannot: "password-protected Proton exports (export again without a password)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.json()
            .and_then(|j| j.get("entries"))
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|e| e.get("content").and_then(|c| c.get("uri")).is_some())
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let doc = json::parse(bytes)?;
        if doc.0.get("salt").is_some() || doc.0.get("encrypted_content").is_some() {
            return Err(BackupError::Unsupported {
                reason: "password-protected Proton Authenticator exports cannot be read; export again without a password".into(),
            });
        }
        let entries = doc
            .0
            .get("entries")
            .and_then(Value::as_array)
            .ok_or(BackupError::NotRecognized)?;
        Ok(collect(entries.iter().enumerate().map(|(index, item)| {
            let content = item.get("content").unwrap_or(&Value::Null);
            let shown = str_of(content, "name").unwrap_or_default();
            let mut e = match str_of(content, "uri").map(parse_uri) {
                Some(Ok(u)) => {
                    let name = if shown.trim().is_empty() {
                        u.name.as_str()
                    } else {
                        shown
                    };
                    Entry::new(index, &u.issuer, name, Ok((u.params, u.warnings)))
                }
                Some(Err(err)) => Entry::new(index, "", shown, Err(Refusal::Uri(err))),
                None => Entry::new(index, "", shown, Err(Refusal::Missing("otpauth:// URI"))),
            };
            e.notes = str_of(item, "note").unwrap_or_default().to_string();
            e
        })))
    }
}
