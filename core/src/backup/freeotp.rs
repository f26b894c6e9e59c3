//! FreeOTP+ JSON export: `{tokens: [{algo, counter, digits, issuerExt, label, period,
//! secret: [signed bytes], type}], tokenOrder: ["issuer:label", ...]}`.

use super::json::{self, str_of};
use super::{
    check_size, label, params_from, push_warnings, BackupAccount, BackupError, ImportBatch,
    RawEntry, RefusedEntry,
};
use crate::otp::OtpKind;
use crate::secret::Secret;
use serde_json::Value;
use zeroize::Zeroizing;

/// Reads a FreeOTP+ export (not encrypted; `password` is ignored).
pub fn import_freeotp_plus(
    bytes: &[u8],
    _password: Option<&str>,
) -> Result<ImportBatch, BackupError> {
    check_size(bytes)?;
    let doc = json::parse(bytes)?;
    let tokens = doc
        .0
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or(BackupError::NotRecognized)?;
    let order: Vec<&str> = doc
        .0
        .get("tokenOrder")
        .and_then(Value::as_array)
        .map(|o| o.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut batch = ImportBatch::default();
    for (index, token) in tokens.iter().enumerate() {
        let issuer = str_of(token, "issuerExt")
            .or_else(|| str_of(token, "issuerInt"))
            .unwrap_or_default()
            .trim();
        let name = str_of(token, "label").unwrap_or_default().trim();
        let l = label(issuer, name);
        match read_token(token) {
            Ok((params, warnings)) => {
                push_warnings(&mut batch, index, &l, warnings);
                let key = format!("{issuer}:{name}");
                let position = order
                    .iter()
                    .position(|o| *o == key)
                    .unwrap_or(order.len().saturating_add(index));
                let position = i64::try_from(position).unwrap_or(i64::MAX);
                batch
                    .accounts
                    .push(BackupAccount::new(issuer, name, params, position));
            }
            Err(reason) => batch.refused.push(RefusedEntry {
                index,
                label: l,
                reason,
            }),
        }
    }
    batch.accounts.sort_by_key(|a| a.position);
    Ok(batch)
}

type Read = (crate::otp::OtpParams, Vec<crate::enroll::Warning>);

fn read_token(token: &Value) -> Result<Read, String> {
    let kind = match str_of(token, "type")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("TOTP") => OtpKind::Totp,
        Some("HOTP") => OtpKind::Hotp,
        Some(other) => {
            return Err(format!(
                "the code type \"{}\" is not supported",
                other.chars().take(16).collect::<String>()
            ))
        }
    };
    let bytes = token
        .get("secret")
        .and_then(Value::as_array)
        .ok_or_else(|| "the entry has no secret".to_string())?;
    let mut secret = Zeroizing::new(Vec::with_capacity(bytes.len()));
    for b in bytes {
        // Java bytes are signed: -128..=127.
        let v = b
            .as_i64()
            .filter(|v| (-128..=255).contains(v))
            .ok_or_else(|| "the secret is not a list of bytes".to_string())?;
        secret.push((v & 0xff) as u8);
    }
    let mut warnings = Vec::new();
    let raw = RawEntry {
        kind,
        algorithm: str_of(token, "algo"),
        digits: json::opt_u64(token, "digits")?,
        period: json::opt_u64(token, "period")?,
        // FreeOTP stores the last counter it used (it increments before computing), so a
        // token exported at counter c is c - 1 in its file; the same accounts exported by
        // Aegis and FreeOTP+ in Aegis's published test data differ exactly so.
        counter: json::opt_u64(token, "counter")?
            .map(|c| c.checked_add(1).ok_or("the counter is at its maximum"))
            .transpose()?,
    };
    let params = params_from(&raw, Secret::from_slice(&secret), &mut warnings)?;
    Ok((params, warnings))
}
