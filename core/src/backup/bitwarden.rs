//! Bitwarden's unencrypted JSON export: `items[].login.totp` holds an `otpauth://` URI, a
//! `steam://SECRET`, or a bare base32 secret (then the item's name and username label it).

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::Refusal;
use super::{
    base32_secret, collect, params_from, BackupError, Entry, Format, ImportBatch, RawEntry,
};
use crate::enroll::{parse_uri, starts_with_ignore_case};
use crate::otp::OtpKind;
use serde_json::Value;
use std::collections::HashMap;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Bitwarden,
    name: "bitwarden",
    aliases: &["bitwarden-json"],
    title: "Bitwarden unencrypted JSON export",
    keeps: "the TOTP field of each login (otpauth://, steam:// or a bare secret); item name, username, notes, folder",
    cannot: "password-protected (encrypted) exports; items without a TOTP field are passwords and are passed over",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["passwordProtected"])
            || (file.has_keys(&["items"])
                && (file.has_keys(&["encrypted"]) || file.has_keys(&["folders"])))
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        read(bytes)
    }
}

fn read(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let doc = json::parse(bytes)?;
    let root = &doc.0;
    if root.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(BackupError::Unsupported {
            reason: "encrypted Bitwarden exports cannot be read; export again choosing the unencrypted JSON format".into(),
        });
    }
    let items = root
        .get("items")
        .and_then(Value::as_array)
        .ok_or(BackupError::NotRecognized)?;
    let folders: HashMap<&str, &str> = root
        .get("folders")
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .filter_map(|f| Some((str_of(f, "id")?, str_of(f, "name")?)))
                .collect()
        })
        .unwrap_or_default();
    let entries = items.iter().enumerate().filter_map(|(index, item)| {
        let login = item.get("login").unwrap_or(&Value::Null);
        let totp = str_of(login, "totp")
            .map(str::trim)
            .filter(|t| !t.is_empty())?;
        let item_name = str_of(item, "name").unwrap_or_default();
        let username = str_of(login, "username").unwrap_or_default();
        let mut e = totp_entry(index, totp, item_name, username);
        e.notes = str_of(item, "notes").unwrap_or_default().to_string();
        e.groups = str_of(item, "folderId")
            .and_then(|id| folders.get(id))
            .map(|f| f.to_string())
            .into_iter()
            .collect();
        Some(e)
    });
    Ok(collect(entries))
}

/// One Bitwarden TOTP field (JSON or CSV export): an `otpauth://` URI (its own issuer and name
/// first, the item's name and username otherwise), `steam://SECRET`, or a bare base32 secret.
pub(crate) fn totp_entry(index: usize, totp: &str, item_name: &str, username: &str) -> Entry {
    let (item_name, username) = (item_name.trim(), username.trim());
    if starts_with_ignore_case(totp, "otpauth:") {
        return match parse_uri(totp) {
            Ok(e) => {
                let issuer = if e.issuer.is_empty() {
                    item_name.to_string()
                } else {
                    e.issuer
                };
                let name = if e.name.is_empty() {
                    username.to_string()
                } else {
                    e.name
                };
                Entry::new(index, &issuer, &name, Ok((e.params, e.warnings)))
            }
            Err(err) => Entry::new(index, item_name, username, Err(Refusal::Uri(err))),
        };
    }
    let (kind, secret_text) = match totp.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("steam://") => {
            (OtpKind::Steam, totp.get(8..).unwrap_or_default())
        }
        _ => (OtpKind::Totp, totp),
    };
    let mut warnings = Vec::new();
    let read = base32_secret(secret_text, &mut warnings).and_then(|secret| {
        let raw = RawEntry {
            kind,
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
        };
        let params = params_from(&raw, secret, &mut warnings)?;
        Ok((params, warnings))
    });
    Entry::new(index, item_name, username, read)
}

/// Bitwarden's CSV export: `folder,favorite,type,name,notes,fields,reprompt,login_uri,
/// login_username,login_password,login_totp` (the organisation export has `collections` first).
pub(crate) struct CsvReader;

static CSV_INFO: FormatInfo = FormatInfo {
    format: Format::BitwardenCsv,
    name: "bitwarden-csv",
    aliases: &["bitwarden.csv"],
    title: "Bitwarden CSV export (login_totp column)",
    keeps: "the TOTP field of each login (otpauth://, steam:// or a bare secret); item name, username, notes, folder",
    cannot: "items without a TOTP field (passwords, passed over)",
};

impl Importer for CsvReader {
    fn info(&self) -> &'static FormatInfo {
        &CSV_INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.text
            .and_then(|t| t.lines().next())
            .is_some_and(|h| h.contains("login_totp") && h.contains("name"))
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| super::damaged("it is not UTF-8 text"))?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| super::damaged(format!("the CSV header could not be read ({e})")))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h.trim() == name);
        let totp_col = col("login_totp").ok_or(BackupError::NotRecognized)?;
        let (name_col, user_col) = (col("name"), col("login_username"));
        let (notes_col, folder_col) = (col("notes"), col("folder"));
        let mut entries = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    entries.push(Entry::new(
                        index,
                        "",
                        &format!("line {}", index + 2),
                        Err(Refusal::BadLine(e.to_string())),
                    ));
                    continue;
                }
            };
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or_default();
            let totp = get(Some(totp_col)).trim();
            if totp.is_empty() {
                continue;
            }
            let mut e = totp_entry(index, totp, get(name_col), get(user_col));
            e.notes = get(notes_col).to_string();
            e.groups = vec![get(folder_col).to_string()];
            entries.push(e);
        }
        Ok(collect(entries))
    }
}
