//! One-time codes: the parameters an account carries and the codes they give at a time or counter.
//!
//! Every code comes from totp-rs's `generate(time)` (or its `sign` for 10 digits, which totp-rs
//! cannot render); the current-time variants are never called: time is a parameter here.

use crate::secret::Secret;

#[cfg(test)]
mod tests;

/// Longest shared secret we accept. Real secrets are 10–64 bytes; a bigger one is a mistake or an
/// attack on memory, not a key.
pub const MAX_SECRET_BYTES: usize = 1024;
pub const MIN_DIGITS: u8 = 4;
pub const MAX_DIGITS: u8 = 10;
/// A day: no issuer uses a longer step, and a huge period would make a code valid forever.
pub const MAX_PERIOD_SECONDS: u32 = 86_400;
pub const DEFAULT_PERIOD_SECONDS: u32 = 30;
pub const STEAM_DIGITS: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum OtpKind {
    /// RFC 6238: the counter is the time step.
    Totp,
    /// RFC 4226: the counter is stored and advanced on use.
    Hotp,
    /// Steam Guard: TOTP with SHA-1, 30 s, five characters from Steam's alphabet.
    Steam,
}

impl OtpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpKind::Totp => "totp",
            OtpKind::Hotp => "hotp",
            OtpKind::Steam => "steam",
        }
    }

    pub fn is_time_based(self) -> bool {
        !matches!(self, OtpKind::Hotp)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum HashAlgorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "SHA1",
            HashAlgorithm::Sha256 => "SHA256",
            HashAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Accepts the spellings seen in the wild: `SHA1`, `sha-256`, `HmacSHA512`.
    pub fn parse(name: &str) -> Option<Self> {
        let norm: String = name
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        match norm.strip_prefix("HMAC").unwrap_or(&norm) {
            "SHA1" => Some(HashAlgorithm::Sha1),
            "SHA256" => Some(HashAlgorithm::Sha256),
            "SHA512" => Some(HashAlgorithm::Sha512),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("the secret is empty")]
    EmptySecret,
    #[error("the secret is {len} bytes long; the limit is {MAX_SECRET_BYTES}")]
    SecretTooLong { len: usize },
    #[error("codes of {digits} digits are not supported (use {MIN_DIGITS} to {MAX_DIGITS})")]
    DigitsOutOfRange { digits: u32 },
    #[error("a period of {period} seconds is not supported (use 1 to {MAX_PERIOD_SECONDS})")]
    PeriodOutOfRange { period: u64 },
    #[error("the counter is at its maximum and cannot advance")]
    CounterExhausted,
}

/// Everything needed to compute an account's codes. The secret is the raw key, not base32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpParams {
    pub kind: OtpKind,
    pub algorithm: HashAlgorithm,
    pub digits: u8,
    /// Seconds per step for TOTP and Steam; kept (and ignored) for HOTP.
    pub period: u32,
    /// Next counter value for HOTP; 0 for time-based kinds.
    pub counter: u64,
    pub secret: Secret,
}

/// What a code screen shows at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeView {
    pub code: String,
    /// The code of the step before, for a server that is a step behind; `None` at counter 0.
    pub previous: Option<String>,
    pub next: String,
    /// First second (unix) the current code is valid; for HOTP, 0.
    pub valid_from: u64,
    /// First second (unix) it is no longer valid; for HOTP, `u64::MAX` (valid until used).
    pub valid_until: u64,
    /// The counter the current code was computed at (time step or HOTP counter).
    pub counter: u64,
}

impl OtpParams {
    /// A TOTP account with the usual defaults (SHA-1, 6 digits, 30 s).
    pub fn totp(secret: Secret) -> Self {
        OtpParams {
            kind: OtpKind::Totp,
            algorithm: HashAlgorithm::Sha1,
            digits: 6,
            period: DEFAULT_PERIOD_SECONDS,
            counter: 0,
            secret,
        }
    }

    pub fn hotp(secret: Secret, counter: u64) -> Self {
        OtpParams {
            kind: OtpKind::Hotp,
            counter,
            ..OtpParams::totp(secret)
        }
    }

    pub fn steam(secret: Secret) -> Self {
        OtpParams {
            kind: OtpKind::Steam,
            digits: STEAM_DIGITS,
            ..OtpParams::totp(secret)
        }
    }

    /// Checks every limit; codes are only computed from parameters that pass.
    pub fn validate(&self) -> Result<(), OtpError> {
        if self.secret.is_empty() {
            return Err(OtpError::EmptySecret);
        }
        if self.secret.len() > MAX_SECRET_BYTES {
            return Err(OtpError::SecretTooLong {
                len: self.secret.len(),
            });
        }
        let digits_ok = match self.kind {
            OtpKind::Steam => self.digits == STEAM_DIGITS,
            _ => (MIN_DIGITS..=MAX_DIGITS).contains(&self.digits),
        };
        if !digits_ok {
            return Err(OtpError::DigitsOutOfRange {
                digits: self.digits.into(),
            });
        }
        if self.kind.is_time_based() && !(1..=MAX_PERIOD_SECONDS).contains(&self.period) {
            return Err(OtpError::PeriodOutOfRange {
                period: self.period.into(),
            });
        }
        Ok(())
    }

    /// The time step (TOTP, Steam) containing `unix`.
    pub fn step_at(&self, unix: u64) -> u64 {
        unix / u64::from(self.period.max(1))
    }

    /// The code for one counter value (a time step or an HOTP counter).
    pub fn code_for_counter(&self, counter: u64) -> Result<String, OtpError> {
        Ok(self.code_with(&self.engine()?, counter))
    }

    /// The totp-rs generator for these parameters, after our own checks. Built once per
    /// account and used for each counter it needs (a code list asks three: previous, current
    /// and next), so the secret is copied and checked once, not three times.
    fn engine(&self) -> Result<totp_rs::Totp, OtpError> {
        self.validate()?;
        // totp-rs divides the time by its step; a step of 1 makes `generate(time)` take the
        // counter itself, so every kind goes through the same call.
        let algorithm = match (self.kind, self.algorithm) {
            (OtpKind::Steam, _) => totp_rs::Algorithm::Steam,
            (_, HashAlgorithm::Sha1) => totp_rs::Algorithm::SHA1,
            (_, HashAlgorithm::Sha256) => totp_rs::Algorithm::SHA256,
            (_, HashAlgorithm::Sha512) => totp_rs::Algorithm::SHA512,
        };
        Ok(totp_rs::Builder::new()
            .with_algorithm(algorithm)
            .with_digits(self.digits)
            .with_step_duration(1)
            .with_skew(0)
            .with_secret(self.secret.expose().to_vec())
            // Our own validate() ran above; build() would refuse the short secrets real
            // issuers hand out (80-bit keys are common).
            .build_noncompliant())
    }

    fn code_with(&self, engine: &totp_rs::Totp, counter: u64) -> String {
        if self.digits == MAX_DIGITS && self.kind != OtpKind::Steam {
            // RFC 4226 truncation gives 31 bits, which always fits in 10 digits, but totp-rs's
            // Token only renders up to 9: do the last step (modulo nothing, pad to 10) here.
            let sig = engine.sign(counter);
            return format!("{:010}", truncate31(sig.as_ref()));
        }
        engine.generate(counter).to_string()
    }

    /// The current, previous and next code at `unix` seconds, with the current code's window.
    /// For HOTP the time is ignored: the code is the one at the stored counter.
    pub fn view_at(&self, unix: u64) -> Result<CodeView, OtpError> {
        let engine = self.engine()?;
        let counter = if self.kind.is_time_based() {
            self.step_at(unix)
        } else {
            self.counter
        };
        let next_counter = counter.checked_add(1).ok_or(OtpError::CounterExhausted)?;
        let previous = counter.checked_sub(1).map(|c| self.code_with(&engine, c));
        let (valid_from, valid_until) = if self.kind.is_time_based() {
            let period = u64::from(self.period);
            let from = counter * period; // ok: counter = unix / period, so this is <= unix
            (from, from.saturating_add(period))
        } else {
            (0, u64::MAX)
        };
        Ok(CodeView {
            code: self.code_with(&engine, counter),
            previous,
            next: self.code_with(&engine, next_counter),
            valid_from,
            valid_until,
            counter,
        })
    }

    /// The current code at `unix` (the stored counter's code for HOTP).
    pub fn code_at(&self, unix: u64) -> Result<String, OtpError> {
        let counter = if self.kind.is_time_based() {
            self.step_at(unix)
        } else {
            self.counter
        };
        self.code_for_counter(counter)
    }
}

/// RFC 4226 section 5.3 dynamic truncation to a 31-bit number.
fn truncate31(mac: &[u8]) -> u32 {
    let offset = mac.last().map_or(0, |b| usize::from(b & 0x0f));
    let word = mac
        .get(offset..offset + 4)
        .map_or(0, |w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    word & 0x7fff_ffff
}
