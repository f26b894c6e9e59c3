//! `otpauth://TYPE/LABEL?PARAMS` parse and format (Google's Key Uri Format, with the extensions
//! other apps write: `otpauth://steam/`, `encoder=steam`).

use super::{starts_with_ignore_case, EnrollError, Enrollment, Warning, MAX_PAYLOAD_BYTES};
use crate::otp::{
    HashAlgorithm, OtpKind, OtpParams, DEFAULT_PERIOD_SECONDS, MAX_DIGITS, MAX_PERIOD_SECONDS,
    MAX_SECRET_BYTES, MIN_DIGITS, STEAM_DIGITS,
};
use crate::secret::Secret;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use zeroize::Zeroizing;

const SCHEME: &str = "otpauth://";

/// Characters escaped in a label part or a parameter value when we write a URI.
const COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Parses one otpauth URI. Forgiving where it is safe (and says so in `warnings`), strict where a
/// guess could produce wrong codes.
pub fn parse_uri(text: &str) -> Result<Enrollment, EnrollError> {
    let text = text.trim();
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(EnrollError::TooLong { len: text.len() });
    }
    if !starts_with_ignore_case(text, SCHEME) {
        return Err(EnrollError::NotOtpauth);
    }
    let rest = &text[SCHEME.len()..]; // ok: the ASCII prefix matched, so this is a char boundary
    let (kind_text, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let (label_text, query) = rest.split_once('?').unwrap_or((rest, ""));
    // A fragment is not part of the key format; drop it rather than read it into a value.
    let query = query.split_once('#').map_or(query, |(q, _)| q);

    let mut kind = kind_of(kind_text)?;

    let mut warnings = Vec::new();
    let params = Params::collect(query, &mut warnings);
    if params
        .get("encoder")
        .is_some_and(|e| e.eq_ignore_ascii_case("steam"))
    {
        kind = OtpKind::Steam;
    }

    let (label_issuer, name) = split_label(label_text)?;
    let issuer = issuer_of(label_issuer, params.get("issuer"), &mut warnings)?;

    let secret_text = params.get("secret").ok_or(EnrollError::MissingSecret)?;
    let secret = decode_base32_secret(secret_text, &mut warnings)?;
    let bits = secret.len() * 8;
    if bits < 128 {
        warnings.push(Warning::ShortSecret { bits });
    }

    let algorithm = match params.get("algorithm") {
        None => HashAlgorithm::Sha1,
        Some(name) => HashAlgorithm::parse(name).ok_or_else(|| EnrollError::UnknownAlgorithm {
            name: name.chars().take(32).collect(),
        })?,
    };

    let digits = digits_of(kind, params.get("digits"), &mut warnings)?;
    let period = period_of(params.get("period"), &mut warnings)?;
    let counter = match (kind, params.get("counter")) {
        (OtpKind::Hotp, None) => {
            warnings.push(Warning::CounterDefaulted);
            0
        }
        (OtpKind::Hotp, Some(v)) => number("counter", v, 0, u64::MAX)?,
        _ => 0,
    };

    let params = OtpParams {
        kind,
        algorithm: if kind == OtpKind::Steam {
            HashAlgorithm::Sha1
        } else {
            algorithm
        },
        digits,
        // HOTP has no period; like the counter of time-based kinds, a stray one is not kept
        // (format_uri does not write it, so keeping it made parse and format disagree).
        period: if kind == OtpKind::Hotp {
            DEFAULT_PERIOD_SECONDS
        } else {
            period
        },
        counter,
        secret,
    };
    params.validate()?;
    Ok(Enrollment {
        issuer,
        name,
        params,
        warnings,
    })
}

/// The `otpauth://TYPE/` part.
fn kind_of(kind_text: &str) -> Result<OtpKind, EnrollError> {
    match kind_text.to_ascii_lowercase().as_str() {
        "totp" => Ok(OtpKind::Totp),
        "hotp" => Ok(OtpKind::Hotp),
        "steam" => Ok(OtpKind::Steam),
        _ => Err(EnrollError::UnknownType {
            kind: kind_text.chars().take(32).collect(),
        }),
    }
}

/// The issuer: the parameter wins over the label's prefix (with a warning when they differ).
fn issuer_of(
    label_issuer: Option<String>,
    param: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<String, EnrollError> {
    // The same rule as for the label: an issuer with control characters would be stored, shown
    // and exported as given, and its URI refused on re-import.
    if param.is_some_and(|p| p.chars().any(char::is_control)) {
        return Err(EnrollError::BadLabel {
            reason: "the issuer parameter contains control characters".into(),
        });
    }
    Ok(match (label_issuer, param) {
        (Some(label), Some(param)) => {
            let param = param.trim().to_string();
            if label != param {
                warnings.push(Warning::IssuerMismatch {
                    label,
                    parameter: param.clone(),
                });
            }
            param
        }
        (Some(label), None) => label,
        (None, Some(param)) => param.trim().to_string(),
        (None, None) => String::new(),
    })
}

/// `digits`: 6 by default, 5 (and nothing else) for Steam.
fn digits_of(
    kind: OtpKind,
    param: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<u8, EnrollError> {
    Ok(match param {
        None if kind == OtpKind::Steam => STEAM_DIGITS,
        None => 6,
        Some(v) => {
            let d = number("digits", v, u64::from(MIN_DIGITS), u64::from(MAX_DIGITS))?;
            // number() bounded it to MIN_DIGITS..=MAX_DIGITS, which fits a u8.
            let d = u8::try_from(d).unwrap_or(MAX_DIGITS);
            if kind == OtpKind::Steam && d != STEAM_DIGITS {
                warnings.push(Warning::SteamDigitsIgnored { given: d.into() });
                STEAM_DIGITS
            } else {
                d
            }
        }
    })
}

/// `period`: 30 s by default; an empty or zero period is forgiven (with a warning).
fn period_of(param: Option<&str>, warnings: &mut Vec<Warning>) -> Result<u32, EnrollError> {
    Ok(match param {
        None => DEFAULT_PERIOD_SECONDS,
        Some(v) if v.trim() == "0" || v.trim().is_empty() => {
            warnings.push(Warning::PeriodDefaulted {
                given: v.chars().take(16).collect(),
            });
            DEFAULT_PERIOD_SECONDS
        }
        Some(v) => {
            let p = number("period", v, 1, u64::from(MAX_PERIOD_SECONDS))?;
            u32::try_from(p).unwrap_or(DEFAULT_PERIOD_SECONDS)
        }
    })
}

/// Writes the URI other authenticators read. Every parameter is explicit, so what one app
/// assumes by default cannot change the codes in another.
pub fn format_uri(issuer: &str, name: &str, params: &OtpParams) -> String {
    let enc = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
    let label = if issuer.is_empty() && !name.contains(':') {
        enc(name)
    } else if issuer.contains(':') {
        // The label is split at its first colon after percent-decoding (the Key URI format
        // allows "%3A" as the separator), so an issuer holding ':' cannot be in the label: it
        // would cut the name. The issuer parameter below carries it; the label's prefix is empty.
        format!(":{}", enc(name))
    } else {
        // An empty issuer before the colon keeps a ':' inside the name from being read as one.
        format!("{}:{}", enc(issuer), enc(name))
    };
    let secret = Zeroizing::new(params.secret.to_base32());
    let mut uri = format!(
        "{SCHEME}{}/{label}?secret={}",
        params.kind.as_str(),
        secret.as_str()
    );
    if !issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&enc(issuer));
    }
    match params.kind {
        OtpKind::Steam => {}
        OtpKind::Totp => uri.push_str(&format!(
            "&algorithm={}&digits={}&period={}",
            params.algorithm.as_str(),
            params.digits,
            params.period
        )),
        OtpKind::Hotp => uri.push_str(&format!(
            "&algorithm={}&digits={}&counter={}",
            params.algorithm.as_str(),
            params.digits,
            params.counter
        )),
    }
    if params.kind == OtpKind::Steam && params.period != DEFAULT_PERIOD_SECONDS {
        uri.push_str(&format!("&period={}", params.period));
    }
    uri
}

/// Query parameters with case-insensitive keys; the first occurrence wins.
struct Params(Vec<(String, Zeroizing<String>)>);

impl Params {
    fn collect(query: &str, warnings: &mut Vec<Warning>) -> Params {
        let mut out: Vec<(String, Zeroizing<String>)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let key = k.trim().to_ascii_lowercase();
            if out.iter().any(|(seen, _)| *seen == key) {
                if !warnings
                    .iter()
                    .any(|w| matches!(w, Warning::DuplicateParameter { key: k } if *k == key))
                {
                    warnings.push(Warning::DuplicateParameter { key: key.clone() });
                }
                continue;
            }
            out.push((key, Zeroizing::new(v.into_owned())));
        }
        Params(out)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `Issuer:account`, `Issuer: account`, or just `account`, percent-decoded.
fn split_label(label: &str) -> Result<(Option<String>, String), EnrollError> {
    let decoded = percent_decode_str(label)
        .decode_utf8()
        .map_err(|_| EnrollError::BadLabel {
            reason: "it is not valid UTF-8 text".into(),
        })?;
    if decoded.chars().any(char::is_control) {
        return Err(EnrollError::BadLabel {
            reason: "it contains control characters".into(),
        });
    }
    Ok(match decoded.split_once(':') {
        Some((issuer, name)) => {
            let issuer = issuer.trim();
            let issuer = (!issuer.is_empty()).then(|| issuer.to_string());
            (issuer, name.trim().to_string())
        }
        None => (None, decoded.trim().to_string()),
    })
}

fn number(key: &str, value: &str, min: u64, max: u64) -> Result<u64, EnrollError> {
    let bad = || EnrollError::BadNumber {
        key: key.into(),
        value: value.chars().take(24).collect(),
        min,
        max,
    };
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = v.parse().map_err(|_| bad())?;
    if n < min || n > max {
        return Err(bad());
    }
    Ok(n)
}

/// Base32 as people and issuers actually write it: spaces, dashes, lower case and `=` padding are
/// removed (with a warning); anything else outside the alphabet is an error.
pub fn decode_base32_secret(
    text: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Secret, EnrollError> {
    let cleaned: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    );
    if cleaned.is_empty() {
        return Err(EnrollError::MissingSecret);
    }
    if cleaned.as_str() != text {
        warnings.push(Warning::SecretNormalized);
    }
    if let Some(bad) = cleaned
        .chars()
        .find(|c| !matches!(c, 'A'..='Z' | '2'..='7'))
    {
        let shown = if bad.is_ascii_graphic() {
            format!("'{bad}'")
        } else {
            "a non-printable character".to_string()
        };
        return Err(EnrollError::BadSecret {
            reason: format!("it contains {shown}, which base32 does not use"),
        });
    }
    // A base32 text of 1, 3 or 6 characters past a whole block cannot come from any byte string.
    if matches!(cleaned.len() % 8, 1 | 3 | 6) {
        return Err(EnrollError::BadSecret {
            reason: format!("{} characters is not a possible length", cleaned.len()),
        });
    }
    if cleaned.len() > MAX_SECRET_BYTES * 8 / 5 + 8 {
        return Err(EnrollError::BadSecret {
            reason: "it is far longer than any real secret".into(),
        });
    }
    let bytes = LENIENT_BASE32
        .decode(cleaned.as_bytes())
        .map_err(|e| EnrollError::BadSecret {
            reason: e.to_string(),
        })?;
    Ok(Secret::new(bytes))
}

/// RFC 4648 base32 without padding that ignores the unused low bits of the last character:
/// several issuers emit secrets whose final character has them set.
static LENIENT_BASE32: std::sync::LazyLock<data_encoding::Encoding> =
    std::sync::LazyLock::new(|| {
        let mut spec = data_encoding::Specification::new();
        spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        spec.check_trailing_bits = false;
        // The specification above is a constant that always builds; fall back to the strict
        // standard encoding rather than panic if it ever did not.
        spec.encoding().unwrap_or(data_encoding::BASE32_NOPAD)
    });

#[cfg(test)]
#[path = "uri_tests.rs"]
mod tests;
