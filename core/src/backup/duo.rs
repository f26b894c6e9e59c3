//! Duo Mobile's `files/duokit/accounts.json` (from a rooted phone): a JSON array of
//! `{name, otpGenerator: {otpSecret (base32), counter?}}`; with a counter the account is HOTP.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::Refusal;
use super::{collect, damaged, read_raw_base32, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use serde_json::Value;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Duo,
    name: "duo",
    aliases: &["duo-mobile"],
    title: "Duo Mobile accounts.json (from a rooted phone)",
    keeps: "third-party TOTP and HOTP accounts (6 digits, SHA1) with their name",
    cannot: "Duo Push accounts (they are not codes; re-enroll them with your organisation)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.json()
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|e| e.get("otpGenerator").is_some())
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let doc = json::parse(bytes)?;
        let items = doc
            .0
            .as_array()
            .ok_or_else(|| damaged("Duo's accounts file is a list"))?;
        Ok(collect(items.iter().enumerate().map(|(index, item)| {
            let name = str_of(item, "name").unwrap_or_default();
            let read = match item.get("otpGenerator") {
                Some(otp) => json::opt_u64(otp, "counter").and_then(|counter| {
                    let raw = RawEntry {
                        kind: if counter.is_some() {
                            OtpKind::Hotp
                        } else {
                            OtpKind::Totp
                        },
                        algorithm: None,
                        digits: None,
                        period: None,
                        counter,
                    };
                    let secret = str_of(otp, "otpSecret").ok_or(Refusal::Missing("secret"))?;
                    read_raw_base32(&raw, secret)
                }),
                None => Err(Refusal::DuoPush),
            };
            let mut e = Entry::new(index, "", name, read);
            e.notes = String::new();
            e
        })))
    }
}
