//! The plaintext layout of a sealed account row, a small length-prefixed binary format.
//!
//! Hand-written rather than serde so that the one buffer holding the secret is sized up front
//! (no reallocation leaves copies behind) and zeroized when dropped. Decoding checks every
//! length against the buffer; a blob that opened but does not decode is reported, not trusted.
//!
//! Layout (record version 1), integers big-endian:
//! `kind u8 | algorithm u8 | digits u8 | period u32 | counter u64 | secret bytes |
//!  issuer str | name str | notes str | group opt-str | icon opt-str`
//! where `bytes`/`str` = `u32 length + bytes` and `opt-str` = `u8 0` or `u8 1 + str`.
//!
//! Record version 2 (schema v3) wraps that body with the timestamps, which were clear columns,
//! and pads it so the sealed length tells only a size bucket, not the lengths of the name, the
//! issuer or the secret: `created_at i64 | updated_at i64 | body-length u32 | body | zeros`.

use zeroize::Zeroizing;

use crate::otp::{HashAlgorithm, OtpKind, OtpParams};
use crate::secret::Secret;

/// The sealed part of an account: its content (everything but id, position and timestamps).
pub(crate) type AccountRecord = crate::account::AccountContent;

fn kind_code(kind: OtpKind) -> u8 {
    match kind {
        OtpKind::Totp => 1,
        OtpKind::Hotp => 2,
        OtpKind::Steam => 3,
    }
}

fn algorithm_code(algorithm: HashAlgorithm) -> u8 {
    match algorithm {
        HashAlgorithm::Sha1 => 1,
        HashAlgorithm::Sha256 => 2,
        HashAlgorithm::Sha512 => 3,
    }
}

fn str_len(s: &str) -> usize {
    4 + s.len()
}

fn opt_len(s: &Option<String>) -> usize {
    1 + s.as_deref().map_or(0, str_len)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Lengths are bounded by the repository's input limits (far below 4 GiB).
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt(out: &mut Vec<u8>, s: &Option<String>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
    }
}

impl AccountRecord {
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let p = &self.params;
        let len = 3
            + 4
            + 8
            + 4
            + p.secret.len()
            + str_len(&self.issuer)
            + str_len(&self.name)
            + str_len(&self.notes)
            + opt_len(&self.group)
            + opt_len(&self.icon);
        let mut out = Zeroizing::new(Vec::with_capacity(len));
        out.push(kind_code(p.kind));
        out.push(algorithm_code(p.algorithm));
        out.push(p.digits);
        out.extend_from_slice(&p.period.to_be_bytes());
        out.extend_from_slice(&p.counter.to_be_bytes());
        put_bytes(&mut out, p.secret.expose());
        put_bytes(&mut out, self.issuer.as_bytes());
        put_bytes(&mut out, self.name.as_bytes());
        put_bytes(&mut out, self.notes.as_bytes());
        put_opt(&mut out, &self.group);
        put_opt(&mut out, &self.icon);
        debug_assert_eq!(out.len(), len);
        out
    }

    /// `None` if the bytes are not a complete, well-formed record.
    pub(crate) fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader { rest: bytes };
        let kind = match r.u8()? {
            1 => OtpKind::Totp,
            2 => OtpKind::Hotp,
            3 => OtpKind::Steam,
            _ => return None,
        };
        let algorithm = match r.u8()? {
            1 => HashAlgorithm::Sha1,
            2 => HashAlgorithm::Sha256,
            3 => HashAlgorithm::Sha512,
            _ => return None,
        };
        let digits = r.u8()?;
        let period = u32::from_be_bytes(r.array()?);
        let counter = u64::from_be_bytes(r.array()?);
        let secret = Secret::from_slice(r.bytes()?);
        let issuer = r.string()?;
        let name = r.string()?;
        let notes = r.string()?;
        let group = r.opt_string()?;
        let icon = r.opt_string()?;
        if !r.rest.is_empty() {
            return None;
        }
        Some(AccountRecord {
            issuer,
            name,
            params: OtpParams {
                kind,
                algorithm,
                digits,
                period,
                counter,
                secret,
            },
            notes,
            group,
            icon,
        })
    }
}

/// Plaintext lengths are padded up to the next of these; past the last, to a multiple of it.
/// 256 holds a typical account (20-byte secret, issuer and e-mail address, no notes).
const PAD_BUCKETS: [usize; 5] = [256, 1024, 4096, 16 * 1024, 64 * 1024];

/// The padded length for `len` plaintext bytes.
pub(crate) fn padded_len(len: usize) -> usize {
    match PAD_BUCKETS.iter().find(|&&b| b >= len) {
        Some(&b) => b,
        None => len.div_ceil(PAD_BUCKETS[4]) * PAD_BUCKETS[4], // ok: fixed 5-element array
    }
}

/// A version-2 account plaintext: the timestamps, the record and padding.
pub(crate) fn encode_v2(
    record: &AccountRecord,
    created_at: i64,
    updated_at: i64,
) -> Zeroizing<Vec<u8>> {
    let body = record.encode();
    let len = 8 + 8 + 4 + body.len();
    let mut out = Zeroizing::new(Vec::with_capacity(padded_len(len)));
    out.extend_from_slice(&created_at.to_be_bytes());
    out.extend_from_slice(&updated_at.to_be_bytes());
    put_bytes(&mut out, &body);
    out.resize(padded_len(len), 0);
    out
}

/// `(created_at, updated_at, record)`, or `None` if the bytes do not decode.
pub(crate) fn decode_v2(bytes: &[u8]) -> Option<(i64, i64, AccountRecord)> {
    let mut r = Reader { rest: bytes };
    let created_at = i64::from_be_bytes(r.array()?);
    let updated_at = i64::from_be_bytes(r.array()?);
    let record = AccountRecord::decode(r.bytes()?)?;
    // Padding is zeros; anything else was not written by us. OR-ing every byte (instead of
    // stopping at the first non-zero one) lets the compiler check 32 bytes at a time: a list
    // checks about 200 bytes of padding per account.
    (r.rest.iter().fold(0u8, |any, &b| any | b) == 0).then_some((created_at, updated_at, record))
}

pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(rest: &'a [u8]) -> Self {
        Reader { rest }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0]) // ok: take(1) returned exactly one byte
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(u32::from_be_bytes(self.array()?)).ok()?;
        self.take(len)
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_round_trips_and_pads_to_buckets() {
        let r = sample();
        let bytes = encode_v2(&r, 5, 6);
        assert_eq!(bytes.len(), 256);
        assert_eq!(decode_v2(&bytes), Some((5, 6, r.clone())));
        // A longer name lands in the same bucket: the sealed length does not tell it.
        let longer = AccountRecord {
            name: "a-much-longer-account-name@example.org".into(),
            ..r.clone()
        };
        assert_eq!(encode_v2(&longer, 5, 6).len(), 256);
        let notes = AccountRecord {
            notes: "x".repeat(5000),
            ..r
        };
        assert_eq!(encode_v2(&notes, 5, 6).len(), 16 * 1024);
        assert_eq!(padded_len(64 * 1024 + 1), 128 * 1024);
        let mut dirty = bytes.to_vec();
        *dirty.last_mut().unwrap() = 1;
        assert_eq!(decode_v2(&dirty), None);
    }

    fn sample() -> AccountRecord {
        AccountRecord {
            issuer: "Ëxample".into(),
            name: "alice@example.org".into(),
            params: OtpParams {
                kind: OtpKind::Hotp,
                algorithm: HashAlgorithm::Sha512,
                digits: 8,
                period: 60,
                counter: u64::MAX - 1,
                secret: Secret::from_slice(b"12345678901234567890"),
            },
            notes: "recovery codes in the safe".into(),
            group: Some("Work".into()),
            icon: None,
        }
    }

    #[test]
    fn round_trip() {
        let r = sample();
        assert_eq!(AccountRecord::decode(&r.encode()), Some(r));
    }

    #[test]
    fn every_truncation_and_trailing_byte_is_refused() {
        let bytes = sample().encode();
        for n in 0..bytes.len() {
            assert!(AccountRecord::decode(&bytes[..n]).is_none(), "prefix {n}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(AccountRecord::decode(&longer).is_none());
    }
}
