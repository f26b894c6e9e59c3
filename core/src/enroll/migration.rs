//! Google Authenticator's export: `otpauth-migration://offline?data=<base64 protobuf>`.
//!
//! The message layout is Google's `MigrationPayload` (field numbers in docs/formats.md); it is declared
//! here with prost's derive, so no protoc is needed. Enum fields are read as plain integers so an
//! unknown value is reported per account instead of failing the whole batch.

use super::{starts_with_ignore_case, EnrollError, Enrollment, Warning, MAX_PAYLOAD_BYTES};
use crate::otp::{HashAlgorithm, OtpKind, OtpParams, DEFAULT_PERIOD_SECONDS};
use crate::secret::Secret;
use base64::Engine;
use prost::Message;
use zeroize::Zeroizing;

const SCHEME: &str = "otpauth-migration://";
/// Google's app puts at most 10 accounts in one QR code; denser codes do not scan reliably.
pub const MAX_ACCOUNTS_PER_BATCH: usize = 10;

#[derive(Clone, PartialEq, prost::Message)]
struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    version: i32,
    #[prost(int32, tag = "3")]
    batch_size: i32,
    #[prost(int32, tag = "4")]
    batch_index: i32,
    #[prost(int32, tag = "5")]
    batch_id: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct OtpParameters {
    #[prost(bytes = "vec", tag = "1")]
    secret: Vec<u8>,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    issuer: String,
    /// 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
    #[prost(int32, tag = "4")]
    algorithm: i32,
    /// 0 unspecified, 1 six, 2 eight
    #[prost(int32, tag = "5")]
    digits: i32,
    /// 0 unspecified, 1 HOTP, 2 TOTP
    #[prost(int32, tag = "6")]
    otp_type: i32,
    #[prost(int64, tag = "7")]
    counter: i64,
}

/// Secrets in decoded or to-be-encoded payloads are wiped when the payload goes away.
impl Drop for MigrationPayload {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for p in &mut self.otp_parameters {
            p.secret.zeroize();
        }
    }
}

/// Which part of a multi-QR export this was, so a missing batch can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchInfo {
    /// Zero-based index of this QR code in the export.
    pub index: u32,
    /// How many QR codes the export has (1 for a single code).
    pub size: u32,
    /// Identifies the export: every batch of one export has the same id.
    pub id: i32,
    pub version: i32,
}

/// One decoded export QR code: the accounts it carries and the entries it could not use.
#[derive(Debug, Clone)]
pub struct MigrationImport {
    pub batch: BatchInfo,
    pub accounts: Vec<Enrollment>,
    /// (position in the batch, label if readable, why it was refused)
    pub refused: Vec<(usize, String, EnrollError)>,
}

/// Decodes one `otpauth-migration://` URI.
pub fn decode_migration(text: &str) -> Result<MigrationImport, EnrollError> {
    let text = text.trim();
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(EnrollError::TooLong { len: text.len() });
    }
    if !starts_with_ignore_case(text, SCHEME) {
        return Err(EnrollError::NotOtpauth);
    }
    // ok: the ASCII scheme matched above, so SCHEME.len() is a char boundary inside `text`.
    let query = text[SCHEME.len()..].split_once('?').map_or("", |(_, q)| q);
    let data = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("data"))
        .map(|(_, v)| Zeroizing::new(v.into_owned()))
        .ok_or_else(|| bad("it has no data parameter"))?;
    let raw = decode_base64(&data)?;
    decode_migration_bytes(&raw)
}

/// Decodes the protobuf inside an export (for importers that already hold the bytes).
pub fn decode_migration_bytes(raw: &[u8]) -> Result<MigrationImport, EnrollError> {
    let payload = MigrationPayload::decode(raw).map_err(|e| bad(&e.to_string()))?;
    let batch = BatchInfo {
        index: u32::try_from(payload.batch_index).map_err(|_| bad("negative batch index"))?,
        size: u32::try_from(payload.batch_size.max(1)).unwrap_or(1),
        id: payload.batch_id,
        version: payload.version,
    };
    if batch.index >= batch.size {
        return Err(bad(&format!(
            "batch {} of {} does not exist",
            u64::from(batch.index) + 1,
            batch.size
        )));
    }
    if payload.otp_parameters.is_empty() {
        return Err(bad("it carries no accounts"));
    }
    let mut accounts = Vec::new();
    let mut refused = Vec::new();
    for (i, p) in payload.otp_parameters.iter().enumerate() {
        match account_from_proto(p) {
            Ok(e) => accounts.push(e),
            Err(err) => refused.push((i, label_of(p), err)),
        }
    }
    Ok(MigrationImport {
        batch,
        accounts,
        refused,
    })
}

fn label_of(p: &OtpParameters) -> String {
    if p.issuer.is_empty() {
        p.name.clone()
    } else {
        format!("{}:{}", p.issuer, p.name)
    }
}

fn account_from_proto(p: &OtpParameters) -> Result<Enrollment, EnrollError> {
    let algorithm = match p.algorithm {
        0 | 1 => HashAlgorithm::Sha1,
        2 => HashAlgorithm::Sha256,
        3 => HashAlgorithm::Sha512,
        4 => {
            return Err(EnrollError::UnknownAlgorithm { name: "MD5".into() });
        }
        n => {
            return Err(EnrollError::UnknownAlgorithm {
                name: n.to_string(),
            })
        }
    };
    let digits = match p.digits {
        0 | 1 => 6,
        2 => 8,
        n => {
            return Err(EnrollError::BadNumber {
                key: "digits".into(),
                value: n.to_string(),
                min: 1,
                max: 2,
            })
        }
    };
    let kind = match p.otp_type {
        0 | 2 => OtpKind::Totp,
        1 => OtpKind::Hotp,
        n => {
            return Err(EnrollError::UnknownType {
                kind: n.to_string(),
            })
        }
    };
    let counter = u64::try_from(p.counter).map_err(|_| EnrollError::BadNumber {
        key: "counter".into(),
        value: p.counter.to_string(),
        min: 0,
        max: i64::MAX as u64,
    })?;
    // Google writes "Issuer:account" in the name when the URI it scanned had that label.
    let (issuer, name) = match p.name.split_once(':') {
        Some((prefix, rest)) if p.issuer.is_empty() || prefix.trim() == p.issuer.trim() => {
            (prefix.trim().to_string(), rest.trim().to_string())
        }
        _ => (p.issuer.trim().to_string(), p.name.trim().to_string()),
    };
    let params = OtpParams {
        kind,
        algorithm,
        digits,
        period: DEFAULT_PERIOD_SECONDS,
        counter: if kind == OtpKind::Hotp { counter } else { 0 },
        secret: Secret::from_slice(&p.secret),
    };
    params.validate()?;
    let mut warnings = Vec::new();
    if p.secret.len() < 16 {
        warnings.push(Warning::ShortSecret {
            bits: p.secret.len() * 8,
        });
    }
    Ok(Enrollment {
        issuer,
        name,
        params,
        warnings,
    })
}

/// Writes accounts as Google export URIs, at most [`MAX_ACCOUNTS_PER_BATCH`] per URI (one QR code
/// each). Accounts Google Authenticator cannot represent (Steam, periods other than 30 s, digits
/// other than 6 or 8) are refused up front, so an export is never silently lossy.
pub fn encode_migration(
    accounts: &[(&str, &str, &OtpParams)],
    batch_id: i32,
) -> Result<Vec<String>, EnrollError> {
    // Held in a payload so the copied secrets are wiped on every return path.
    let mut all = MigrationPayload {
        otp_parameters: Vec::with_capacity(accounts.len()),
        version: 1,
        batch_size: 0,
        batch_index: 0,
        batch_id,
    };
    for (issuer, name, p) in accounts {
        let refuse = |reason: &str| EnrollError::NotExportable {
            reason: format!("{issuer}:{name}: {reason}"),
        };
        let otp_type = match p.kind {
            OtpKind::Totp if p.period == DEFAULT_PERIOD_SECONDS => 2,
            OtpKind::Totp => return Err(refuse("only 30-second codes can be exported")),
            OtpKind::Hotp => 1,
            OtpKind::Steam => return Err(refuse("Steam codes cannot be exported")),
        };
        let digits = match p.digits {
            6 => 1,
            8 => 2,
            _ => return Err(refuse("only 6- or 8-digit codes can be exported")),
        };
        let algorithm = match p.algorithm {
            HashAlgorithm::Sha1 => 1,
            HashAlgorithm::Sha256 => 2,
            HashAlgorithm::Sha512 => 3,
        };
        all.otp_parameters.push(OtpParameters {
            secret: p.secret.expose().to_vec(),
            name: name.to_string(),
            issuer: issuer.to_string(),
            algorithm,
            digits,
            otp_type,
            counter: i64::try_from(p.counter).map_err(|_| refuse("the counter is too large"))?,
        });
    }
    let chunks: Vec<&[OtpParameters]> = all.otp_parameters.chunks(MAX_ACCOUNTS_PER_BATCH).collect();
    let size = i32::try_from(chunks.len()).map_err(|_| bad("too many accounts"))?;
    let mut uris = Vec::with_capacity(chunks.len());
    for (index, chunk) in chunks.iter().enumerate() {
        let payload = MigrationPayload {
            otp_parameters: chunk.to_vec(),
            version: 1,
            batch_size: size,
            batch_index: i32::try_from(index).map_err(|_| bad("too many accounts"))?,
            batch_id,
        };
        let raw = Zeroizing::new(payload.encode_to_vec());
        let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(raw.as_slice()));
        let data: String = url::form_urlencoded::byte_serialize(b64.as_bytes()).collect();
        uris.push(format!("{SCHEME}offline?data={data}"));
    }
    Ok(uris)
}

/// Standard or URL-safe alphabet, padding optional: exports pass through many hands.
fn decode_base64(text: &str) -> Result<Zeroizing<Vec<u8>>, EnrollError> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let lenient =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let cleaned: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    standard
        .decode(cleaned.as_bytes())
        .or_else(|_| url_safe.decode(cleaned.as_bytes()))
        .map(Zeroizing::new)
        .map_err(|_| bad("its data is not valid base64"))
}

fn bad(reason: &str) -> EnrollError {
    EnrollError::BadMigration {
        reason: reason.to_string(),
    }
}

#[cfg(test)]
#[path = "migration_tests.rs"]
mod tests;
