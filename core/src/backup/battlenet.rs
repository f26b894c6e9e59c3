//! Battle.net Authenticator (inside the Battle.net app), `shared_prefs/
//! com.blizzard.messenger.authenticator_preferences.xml` from a rooted phone: the serial and
//! the device secret are hex strings XOR-masked with a fixed 56-byte key; unmasked, the secret
//! is the hex of the HMAC key. Codes are TOTP, SHA1, 8 digits, 30 s.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::hex_decode;
use super::Refusal;
use super::{collect, read_raw, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use crate::secret::Secret;
use zeroize::Zeroizing;

const SERIAL: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const SECRET: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
/// The Battle.net app's fixed mask (a constant of the file format).
const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::BattleNet,
    name: "battlenet",
    aliases: &["battle.net", "blizzard"],
    title: "Battle.net Authenticator preferences (shared_prefs XML from a rooted phone)",
    keeps: "the 8-digit code and the serial as the account name",
    cannot: "the restore code (not needed for codes)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        super::prefs::looks_like(file.text, SECRET)
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let prefs = super::prefs::parse(bytes)?;
        let get = |k: &str| prefs.iter().find(|p| p.name == k).map(|p| p.value.as_str());
        let secret = get(SECRET).ok_or(BackupError::NotRecognized)?;
        let serial = get(SERIAL)
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| unmask(s).ok())
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .unwrap_or_default();
        let read = unmask(secret)
            .map_err(Refusal::File)
            .and_then(|hex| {
                let text = std::str::from_utf8(&hex).map_err(|_| Refusal::BadSecret("damaged"))?;
                hex_decode(text, "secret").map_err(Refusal::File)
            })
            .and_then(|key| {
                let raw = RawEntry {
                    kind: OtpKind::Totp,
                    algorithm: None,
                    digits: Some(8),
                    period: None,
                    counter: None,
                };
                read_raw(&raw, Secret::from_slice(&key))
            });
        Ok(collect([Entry::new(0, "Battle.net", &serial, read)]))
    }
}

fn unmask(hex: &str) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let data = hex_decode(hex, "masked value")?;
    let mask = hex_decode(MASK, "mask")?;
    if data.len() > mask.len() {
        return Err(super::damaged("a masked value is longer than the mask"));
    }
    Ok(Zeroizing::new(
        data.iter().zip(mask.iter()).map(|(d, m)| d ^ m).collect(),
    ))
}
