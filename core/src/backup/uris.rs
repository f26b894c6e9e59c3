//! Plain lists of `otpauth://` URIs, one per line (also Ente Auth's plain export, and the lines
//! of a Google Authenticator export).

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::{
    damaged, label, ordered, push_warnings, BackupAccount, BackupError, Format, ImportBatch,
    ImportWarning, RefusedEntry,
};
use crate::enroll::{decode_migration, format_uri, parse_uri, starts_with_ignore_case, BatchInfo};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// Shown before writing a URI list: the file holds every secret in clear text.
pub const EXPORT_WARNING: &str =
    "This file is NOT encrypted: anyone who gets it can generate your codes. \
Keep it somewhere safe and delete it once you have imported it.";

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Uris,
    name: "uris",
    aliases: &["otpauth", "uri", "text", "txt"],
    title: "A text file of otpauth:// URIs, one per line (Kunci, Ente plain, andOTP/Aegis/2FAS text exports)",
    keeps: "everything an otpauth:// URI holds: type, algorithm, digits, period, counter, issuer, name",
    cannot: "notes, groups and icons (URIs have none, except Ente's codeDisplay note and tags)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.text.is_some_and(|t| {
            t.lines()
                .any(|l| crate::enroll::starts_with_ignore_case(l.trim(), "otpauth:"))
        })
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
        import_lines(text)
    }
}

/// WinAuth's "export as text": one `otpauth://` URI per line whose label is the name the user
/// gave the authenticator (often the service); when a URI has no issuer, that label becomes
/// the issuer, as WinAuth shows it.
pub(crate) struct WinAuthReader;

static WINAUTH_INFO: FormatInfo = FormatInfo {
    format: Format::WinAuth,
    name: "winauth",
    aliases: &[],
    title: "WinAuth text export (otpauth:// URIs; use --format winauth, auto-detection reads it as uris)",
    keeps: "everything its URIs hold; the authenticator's name as issuer",
    cannot: "WinAuth's encrypted .wa files (export as text from WinAuth)",
};

impl Importer for WinAuthReader {
    fn info(&self) -> &'static FormatInfo {
        &WINAUTH_INFO
    }
    /// Not distinguishable from a URI list; chosen by name only.
    fn detect(&self, _file: &Sniff<'_>) -> bool {
        false
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
        let mut batch = import_lines(text)?;
        for a in &mut batch.accounts {
            if a.issuer.is_empty() {
                a.issuer = std::mem::take(&mut a.name);
            }
        }
        Ok(batch)
    }
}

/// Reads URI lines; a text with no line to read at all is [`BackupError::NoAccounts`].
pub(crate) fn import_lines(text: &str) -> Result<ImportBatch, BackupError> {
    let mut batch = ImportBatch::default();
    let mut lines = 0usize;
    let mut batches: BTreeMap<i32, (u32, Vec<u32>)> = BTreeMap::new();
    for (index, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        if starts_with_ignore_case(line, "otpauth-migration:") {
            match decode_migration(line) {
                Ok(m) => {
                    note_batch(&mut batches, m.batch);
                    for e in m.accounts {
                        let l = label(&e.issuer, &e.name);
                        push_warnings(&mut batch, index, &l, e.warnings);
                        let position = i64::try_from(batch.accounts.len()).unwrap_or(i64::MAX);
                        batch
                            .accounts
                            .push(BackupAccount::new(&e.issuer, &e.name, e.params, position));
                    }
                    for (_, l, err) in m.refused {
                        batch.refused.push(RefusedEntry {
                            index,
                            label: l,
                            reason: err.to_string(),
                        });
                    }
                }
                Err(err) => batch.refused.push(RefusedEntry {
                    index,
                    label: format!("line {}", index + 1),
                    reason: err.to_string(),
                }),
            }
            continue;
        }
        match parse_uri(line) {
            Ok(e) => {
                let l = label(&e.issuer, &e.name);
                let extras = ente_extras(line);
                if extras.trashed {
                    batch.refused.push(RefusedEntry {
                        index,
                        label: l,
                        reason: "it is in the other app's trash".into(),
                    });
                    continue;
                }
                push_warnings(&mut batch, index, &l, e.warnings);
                let position = i64::try_from(batch.accounts.len()).unwrap_or(i64::MAX);
                let mut account = BackupAccount::new(&e.issuer, &e.name, e.params, position);
                account.notes = extras.note;
                account.group = extras.tags.first().cloned();
                if extras.tags.len() > 1 {
                    batch.warnings.push(ImportWarning::Dropped {
                        index,
                        label: l,
                        what: format!(
                            "Kunci keeps one group per account; kept \"{}\", dropped {} more",
                            extras.tags.first().map_or("", String::as_str),
                            extras.tags.len() - 1
                        ),
                    });
                }
                batch.accounts.push(account);
            }
            Err(err) => batch.refused.push(RefusedEntry {
                index,
                label: format!("line {}", index + 1),
                reason: err.to_string(),
            }),
        }
    }
    for (batch_id, (size, seen)) in batches {
        let missing: Vec<u32> = (0..size).filter(|i| !seen.contains(i)).collect();
        if !missing.is_empty() {
            batch.warnings.push(ImportWarning::MissingBatches {
                batch_id,
                missing,
                size,
            });
        }
    }
    if lines == 0 {
        return Err(BackupError::NoAccounts);
    }
    Ok(batch)
}

fn note_batch(batches: &mut BTreeMap<i32, (u32, Vec<u32>)>, info: BatchInfo) {
    let entry = batches.entry(info.id).or_insert((info.size, Vec::new()));
    // A hostile size cannot make the missing list huge: Google exports have a few codes.
    entry.0 = entry.0.max(info.size).min(1000);
    if !entry.1.contains(&info.index) {
        entry.1.push(info.index);
    }
}

/// What Ente Auth adds to its URIs in a `codeDisplay` JSON parameter.
#[derive(Default)]
struct EnteExtras {
    tags: Vec<String>,
    note: String,
    trashed: bool,
}

fn ente_extras(uri: &str) -> EnteExtras {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let Some(raw) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "codeDisplay")
        .map(|(_, v)| v.into_owned())
    else {
        return EnteExtras::default();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&raw) else {
        return EnteExtras::default();
    };
    let tags = value
        .get("tags")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str())
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    EnteExtras {
        tags,
        note: super::json::str_of(&value, "note")
            .unwrap_or_default()
            .to_string(),
        trashed: value.get("trashed").and_then(|t| t.as_bool()) == Some(true),
    }
}

/// Writes every account as an `otpauth://` URI, one per line, in list order.
///
/// **The result is not encrypted**: it holds every secret in clear text (see
/// [`EXPORT_WARNING`]). Notes, groups and icons are not part of the URI format and are left out.
pub fn export_uris(accounts: &[BackupAccount]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for a in ordered(accounts) {
        out.push_str(&Zeroizing::new(format_uri(&a.issuer, &a.name, &a.params)));
        out.push('\n');
    }
    out
}
