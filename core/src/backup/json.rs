//! Small helpers for reading other apps' JSON without panicking, and for wiping it afterwards.

use super::{damaged, BackupError, Refusal};
use base64::Engine;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

/// A parsed JSON document whose strings (secrets among them) are wiped when it is dropped.
pub(crate) struct Scrubbed(pub Value);

impl Drop for Scrubbed {
    fn drop(&mut self) {
        scrub(&mut self.0);
    }
}

#[cfg(test)]
pub(crate) fn scrub_for_tests(value: &mut Value) {
    scrub(value)
}

fn scrub(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => map.values_mut().for_each(scrub),
        _ => {}
    }
}

/// Parses a whole file as JSON; an error names what is wrong without quoting the file.
pub(crate) fn parse(bytes: &[u8]) -> Result<Scrubbed, BackupError> {
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str(text)
        .map(Scrubbed)
        .map_err(|e| damaged(json_reason(&e)))
}

pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "the file ends too early".to_string(),
        _ => format!(
            "it is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ),
    }
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A non-negative whole number; numbers written as strings ("30") are accepted too.
pub(crate) fn u64_of(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn i64_of(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A present number field that is not a usable whole number is an error, not a default.
pub(crate) fn opt_u64(v: &Value, key: &str) -> Result<Option<u64>, Refusal> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => u64_of(v, key)
            .map(Some)
            .ok_or_else(|| Refusal::FieldNotANumber(key.to_string())),
    }
}

pub(crate) fn b64_decode(text: &str, what: &str) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let lenient =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let cleaned: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
    GeneralPurpose::new(&base64::alphabet::STANDARD, lenient)
        .decode(cleaned.as_bytes())
        .or_else(|_| {
            GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient).decode(cleaned.as_bytes())
        })
        .map(Zeroizing::new)
        .map_err(|_| damaged(format!("the {what} is not valid base64")))
}

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn hex_decode(text: &str, what: &str) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| damaged(format!("the {what} is not valid hexadecimal")))
}

pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// Exactly `N` bytes, or a damaged-file error naming the field.
pub(crate) fn fixed<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N], BackupError> {
    <[u8; N]>::try_from(bytes).map_err(|_| {
        damaged(format!(
            "the {what} should be {N} bytes, not {}",
            bytes.len()
        ))
    })
}
