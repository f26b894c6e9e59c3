//! Bitwarden's unencrypted JSON export: `items[].login.totp` holds an `otpauth://` URI, a
//! `steam://SECRET`, or a bare base32 secret (then the item's name and username label it).

use super::json::{self, str_of};
use super::{
    base32_secret, check_size, label, params_from, push_warnings, BackupAccount, BackupError,
    ImportBatch, RawEntry, RefusedEntry,
};
use crate::enroll::{parse_uri, starts_with_ignore_case};
use crate::otp::OtpKind;
use serde_json::Value;
use std::collections::HashMap;

/// Reads a Bitwarden JSON export. Items without a TOTP field are passwords, not authenticator
/// accounts, and are passed over silently. Password-protected exports are not supported.
pub fn import_bitwarden(bytes: &[u8], _password: Option<&str>) -> Result<ImportBatch, BackupError> {
    check_size(bytes)?;
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
    let mut batch = ImportBatch::default();
    for (index, item) in items.iter().enumerate() {
        let login = item.get("login").unwrap_or(&Value::Null);
        let Some(totp) = str_of(login, "totp")
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        let item_name = str_of(item, "name").unwrap_or_default().trim();
        let username = str_of(login, "username").unwrap_or_default().trim();
        let read = if starts_with_ignore_case(totp, "otpauth:") {
            parse_uri(totp)
                .map(|e| {
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
                    (issuer, name, e.params, e.warnings)
                })
                .map_err(|e| e.to_string())
        } else {
            let (kind, secret_text) = match totp.get(..8) {
                Some(p) if p.eq_ignore_ascii_case("steam://") => {
                    (OtpKind::Steam, totp.get(8..).unwrap_or_default())
                }
                _ => (OtpKind::Totp, totp),
            };
            let mut warnings = Vec::new();
            base32_secret(secret_text, &mut warnings).and_then(|secret| {
                let raw = RawEntry {
                    kind,
                    algorithm: None,
                    digits: None,
                    period: None,
                    counter: None,
                };
                let params = params_from(&raw, secret, &mut warnings)?;
                Ok((
                    item_name.to_string(),
                    username.to_string(),
                    params,
                    warnings,
                ))
            })
        };
        match read {
            Ok((issuer, name, params, warnings)) => {
                let l = label(&issuer, &name);
                push_warnings(&mut batch, index, &l, warnings);
                let position = i64::try_from(batch.accounts.len()).unwrap_or(i64::MAX);
                let mut account = BackupAccount::new(&issuer, &name, params, position);
                account.notes = str_of(item, "notes").unwrap_or_default().to_string();
                account.group = str_of(item, "folderId")
                    .and_then(|id| folders.get(id))
                    .map(|f| f.to_string());
                batch.accounts.push(account);
            }
            Err(reason) => batch.refused.push(RefusedEntry {
                index,
                label: label(item_name, username),
                reason,
            }),
        }
    }
    Ok(batch)
}
