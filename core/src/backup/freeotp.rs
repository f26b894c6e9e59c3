//! FreeOTP+ JSON export: `{tokens: [{algo, counter, digits, issuerExt, label, period,
//! secret: [signed bytes], type}], tokenOrder: ["issuer:label", ...]}`.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::Refusal;
use super::{collect, read_raw, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use crate::secret::Secret;
use serde_json::Value;
use zeroize::Zeroizing;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::FreeOtpPlus,
    name: "freeotp",
    aliases: &["freeotp+", "freeotpplus", "freeotp-plus"],
    title: "FreeOTP+ JSON export",
    keeps: "TOTP and HOTP with algorithm, digits, period, counter; issuer, label, order",
    cannot: "icons and image references",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["tokens", "tokenOrder"])
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
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
        Ok(read_tokens(tokens.iter().map(Some), &order))
    }
}

/// FreeOTP's own `shared_prefs/tokens.xml` (FreeOTP 1, and FreeOTP+'s internal file): one
/// `<string>` per token holding the same JSON as the export, plus `tokenOrder`.
pub(crate) struct XmlReader;

static XML_INFO: FormatInfo = FormatInfo {
    format: Format::FreeOtpXml,
    name: "freeotp-xml",
    aliases: &["freeotp1", "tokens.xml", "freeotp-plus-xml"],
    title: "FreeOTP 1 / FreeOTP+ internal tokens.xml (from a rooted phone or an adb backup)",
    keeps: "TOTP and HOTP with algorithm, digits, period, counter; issuer, label, order",
    cannot: "icons and image references",
};

impl Importer for XmlReader {
    fn info(&self) -> &'static FormatInfo {
        &XML_INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        super::prefs::looks_like(file.text, "tokenOrder")
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let prefs = super::prefs::parse(bytes)?;
        let order_doc = prefs
            .iter()
            .find(|p| p.name == "tokenOrder")
            .and_then(|p| serde_json::from_str::<Value>(&p.value).ok())
            .map(json::Scrubbed);
        let order: Vec<&str> = order_doc
            .as_ref()
            .and_then(|d| d.0.as_array())
            .map(|o| o.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let tokens: Vec<Option<json::Scrubbed>> = prefs
            .iter()
            .filter(|p| p.name != "tokenOrder")
            .map(|p| {
                serde_json::from_str::<Value>(&p.value)
                    .ok()
                    .map(json::Scrubbed)
            })
            .collect();
        if tokens.is_empty() {
            return Err(BackupError::NoAccounts);
        }
        Ok(read_tokens(
            tokens.iter().map(|t| t.as_ref().map(|t| &t.0)),
            &order,
        ))
    }
}

/// FreeOTP's token objects (its JSON export, and the values of its `tokens.xml`), placed by
/// `order` (`issuer:label` keys). A `None` token is an entry whose JSON could not be read.
pub(crate) fn read_tokens<'a>(
    tokens: impl Iterator<Item = Option<&'a Value>>,
    order: &[&str],
) -> ImportBatch {
    let mut batch = collect(tokens.enumerate().map(|(index, token)| {
        let Some(token) = token else {
            return Entry::new(
                index,
                "",
                &format!("entry {}", index + 1),
                Err(Refusal::NotJson),
            );
        };
        let issuer = str_of(token, "issuerExt")
            .or_else(|| str_of(token, "issuerInt"))
            .unwrap_or_default()
            .trim();
        let name = str_of(token, "label").unwrap_or_default().trim();
        let key = format!("{issuer}:{name}");
        let position = order
            .iter()
            .position(|o| *o == key)
            .unwrap_or(order.len().saturating_add(index));
        let mut e = Entry::new(index, issuer, name, read_token(token));
        e.position = Some(i64::try_from(position).unwrap_or(i64::MAX));
        e
    }));
    batch.accounts.sort_by_key(|a| a.position);
    batch
}

type Read = (crate::otp::OtpParams, Vec<crate::enroll::Warning>);

fn read_token(token: &Value) -> Result<Read, Refusal> {
    let kind = match str_of(token, "type")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("TOTP") => OtpKind::Totp,
        Some("HOTP") => OtpKind::Hotp,
        Some(other) => return Err(Refusal::code_type(other)),
    };
    let bytes = token
        .get("secret")
        .and_then(Value::as_array)
        .ok_or(Refusal::Missing("secret"))?;
    let mut secret = Zeroizing::new(Vec::with_capacity(bytes.len()));
    for b in bytes {
        // Java bytes are signed: -128..=127.
        let v = b
            .as_i64()
            .filter(|v| (-128..=255).contains(v))
            .ok_or(Refusal::BadSecret("not a list of bytes"))?;
        secret.push((v & 0xff) as u8);
    }
    let raw = RawEntry {
        kind,
        algorithm: str_of(token, "algo"),
        digits: json::opt_u64(token, "digits")?,
        period: json::opt_u64(token, "period")?,
        // FreeOTP stores the last counter it used (it increments before computing), so a
        // token exported at counter c is c - 1 in its file; the same accounts exported by
        // Aegis and FreeOTP+ in Aegis's published test data differ exactly so.
        counter: json::opt_u64(token, "counter")?
            .map(|c| c.checked_add(1).ok_or(Refusal::CounterAtMax))
            .transpose()?,
    };
    read_raw(&raw, Secret::from_slice(&secret))
}
