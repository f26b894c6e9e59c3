//! SNTPv4 client codec (RFC 4330 / RFC 5905 subset) and NTP timestamp arithmetic.
//!
//! We write our own codec because every field of a reply is attacker-controlled: each check below
//! exists to refuse a packet that would move the clock, and each returns a reason a user or a QA
//! engineer can read. Our transmit timestamp is random (not a time): it is a nonce that the server
//! must echo as origin, and it leaks nothing about our clock. T1 and T4 are boot-clock
//! milliseconds, so an offset computed here is "UTC − boot clock" directly.

use std::net::SocketAddr;

/// Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch).
pub const NTP_UNIX_DELTA_SECS: i64 = 2_208_988_800;
/// One NTP era: the 32-bit seconds field wraps every 2^32 s (first time on 2036-02-07).
pub const ERA_SECS: i64 = 1 << 32;
/// An SNTP packet without extension fields or MAC.
pub const PACKET_LEN: usize = 48;
/// 2025-01-01T00:00:00Z: no genuine reply can be older than the code that reads it, so NTP
/// seconds are read as the first time at or after this floor (valid until 2161). This does not
/// depend on the device clock, which may be wrong by years (a dead RTC boots in 1970).
pub const DEFAULT_ERA_FLOOR_UNIX_MS: i64 = 1_735_689_600_000;

/// A 64-bit NTP timestamp: 32 bits of seconds since the era start, 32 bits of fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NtpTimestamp(pub u64);

impl NtpTimestamp {
    pub fn from_parts(seconds: u32, fraction: u32) -> Self {
        NtpTimestamp((u64::from(seconds) << 32) | u64::from(fraction))
    }
    pub fn seconds(self) -> u32 {
        (self.0 >> 32) as u32
    }
    pub fn fraction(self) -> u32 {
        self.0 as u32
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The NTP timestamp of a Unix time in milliseconds (the era number is dropped, as on the
    /// wire). Exact inverse of [`NtpTimestamp::to_unix_ms`] for the right era.
    pub fn from_unix_ms(unix_ms: i64) -> Self {
        let ntp_ms = i128::from(unix_ms) + i128::from(NTP_UNIX_DELTA_SECS) * 1000;
        let secs = ntp_ms.div_euclid(1000);
        let ms = ntp_ms.rem_euclid(1000) as u64;
        // Round the fraction up so that truncating it back gives the same millisecond.
        let fraction = (ms << 32).div_ceil(1000);
        let seconds = secs.rem_euclid(i128::from(ERA_SECS)) as u64;
        NtpTimestamp((seconds << 32) | fraction)
    }

    /// Unix milliseconds of this timestamp, choosing the era so that the result is at or after
    /// `floor_unix_ms` and less than one era (≈136 years) after it. `None` only when the result
    /// does not fit an i64 (a floor near the end of representable time).
    pub fn to_unix_ms(self, floor_unix_ms: i64) -> Option<i64> {
        let floor_s = i128::from(floor_unix_ms.div_euclid(1000));
        let era0 = i128::from(self.seconds()) - i128::from(NTP_UNIX_DELTA_SECS);
        // Smallest k with era0 + k·ERA ≥ floor_s (whole seconds; the fraction never decreases it).
        let k = (floor_s - era0 + i128::from(ERA_SECS) - 1).div_euclid(i128::from(ERA_SECS));
        let secs = era0 + k * i128::from(ERA_SECS);
        let ms = (u64::from(self.fraction()) * 1000) >> 32;
        let mut total = secs * 1000 + i128::from(ms);
        if total < i128::from(floor_unix_ms) {
            // Same second as the floor but an earlier millisecond: the next era is the answer.
            total += i128::from(ERA_SECS) * 1000;
        }
        i64::try_from(total).ok()
    }

    /// Unix milliseconds nearest to `pivot_unix_ms` (within ±68 years).
    pub fn to_unix_ms_near(self, pivot_unix_ms: i64) -> Option<i64> {
        let half_era_ms = (ERA_SECS / 2) * 1000;
        self.to_unix_ms(pivot_unix_ms.checked_sub(half_era_ms)?)
    }

    /// `self − earlier` in milliseconds, era-independent: the 64-bit difference read as signed
    /// (RFC 5905 §6), correct whenever the two are less than 68 years apart.
    pub fn wrapping_diff_ms(self, earlier: NtpTimestamp) -> i64 {
        let d = self.0.wrapping_sub(earlier.0) as i64;
        // d is in units of 2^-32 s; floor-divide to milliseconds.
        ((i128::from(d) * 1000) >> 32) as i64
    }
}

/// NTP "short format" (16.16 seconds) to milliseconds, rounded up: used for root delay and
/// dispersion, where rounding up keeps intervals honest.
pub fn short_to_ms(v: u32) -> u64 {
    (u64::from(v) * 1000).div_ceil(1 << 16)
}

/// Milliseconds to NTP short format (saturating at the field's maximum); only servers write it.
#[cfg(any(test, feature = "testkit"))]
pub fn ms_to_short(ms: u64) -> u32 {
    u32::try_from((ms << 16) / 1000).unwrap_or(u32::MAX)
}

/// The fields of an NTP packet we read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Packet {
    pub leap: u8,
    pub version: u8,
    pub mode: u8,
    pub stratum: u8,
    pub poll: i8,
    pub precision: i8,
    pub root_delay: u32,
    pub root_dispersion: u32,
    pub reference_id: [u8; 4],
    pub reference: NtpTimestamp,
    pub origin: NtpTimestamp,
    pub receive: NtpTimestamp,
    pub transmit: NtpTimestamp,
}

pub const MODE_CLIENT: u8 = 3;
pub const MODE_SERVER: u8 = 4;
pub const LEAP_UNSYNCHRONIZED: u8 = 3;

impl Packet {
    /// A client request whose transmit timestamp is the nonce `origin` (everything else zero,
    /// as RFC 4330 recommends, so the request reveals nothing about our clock).
    pub fn request(origin: NtpTimestamp) -> Self {
        Packet {
            version: 4,
            mode: MODE_CLIENT,
            transmit: origin,
            ..Packet::default()
        }
    }

    pub fn encode(&self) -> [u8; PACKET_LEN] {
        let mut b = [0u8; PACKET_LEN];
        b[0] = ((self.leap & 3) << 6) | ((self.version & 7) << 3) | (self.mode & 7);
        b[1] = self.stratum;
        b[2] = self.poll as u8;
        b[3] = self.precision as u8;
        b[4..8].copy_from_slice(&self.root_delay.to_be_bytes());
        b[8..12].copy_from_slice(&self.root_dispersion.to_be_bytes());
        b[12..16].copy_from_slice(&self.reference_id);
        b[16..24].copy_from_slice(&self.reference.0.to_be_bytes());
        b[24..32].copy_from_slice(&self.origin.0.to_be_bytes());
        b[32..40].copy_from_slice(&self.receive.0.to_be_bytes());
        b[40..48].copy_from_slice(&self.transmit.0.to_be_bytes());
        b
    }

    /// Parses the 48-byte header; extension fields or a MAC after it are ignored.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        // ok: every index below is a constant inside this fixed 48-byte array.
        let b: &[u8; PACKET_LEN] = bytes.get(..PACKET_LEN)?.try_into().ok()?;
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let ts_at = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[i..i + 8]);
            NtpTimestamp(u64::from_be_bytes(a))
        };
        Some(Packet {
            leap: b[0] >> 6,
            version: (b[0] >> 3) & 7,
            mode: b[0] & 7,
            stratum: b[1],
            poll: b[2] as i8,
            precision: b[3] as i8,
            root_delay: u32_at(4),
            root_dispersion: u32_at(8),
            reference_id: [b[12], b[13], b[14], b[15]],
            reference: ts_at(16),
            origin: ts_at(24),
            receive: ts_at(32),
            transmit: ts_at(40),
        })
    }
}

/// Kiss-o'-Death codes we act on (RFC 5905 §7.4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KissCode {
    /// Slow down: we back off from this server.
    Rate,
    /// Access denied: we stop asking this server.
    Deny,
    /// Access restricted: we stop asking this server.
    Restrict,
    /// Any other code: the reply carries no time; we skip it this time.
    Other(String),
}

impl KissCode {
    pub fn from_ref_id(id: [u8; 4]) -> Self {
        match &id {
            b"RATE" => KissCode::Rate,
            b"DENY" => KissCode::Deny,
            b"RSTR" => KissCode::Restrict,
            _ => KissCode::Other(
                id.iter()
                    .filter(|c| c.is_ascii_graphic())
                    .map(|&c| c as char)
                    .collect(),
            ),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            KissCode::Rate => "RATE",
            KissCode::Deny => "DENY",
            KissCode::Restrict => "RSTR",
            KissCode::Other(s) => s,
        }
    }
}

impl std::fmt::Display for KissCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a source's answer was not used. The text is shown to users (`rejected[].reason`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("reply came from {got}, not from the server we asked ({expected})")]
    WrongAddress { expected: String, got: String },
    #[error("reply is too short ({len} bytes) to be an NTP packet")]
    TooShort { len: usize },
    #[error("reply does not answer our request (origin timestamp mismatch): possibly spoofed")]
    WrongOrigin,
    #[error("reply is not from an NTP server (mode {mode})")]
    WrongMode { mode: u8 },
    #[error("reply uses unsupported NTP version {version}")]
    WrongVersion { version: u8 },
    #[error("server sent Kiss-o'-Death {code}")]
    KissOfDeath { code: KissCode },
    #[error("server reports stratum {stratum}: it is not synchronized")]
    BadStratum { stratum: u8 },
    #[error("server reports leap indicator 3: its clock is not synchronized")]
    Unsynchronized,
    #[error("server sent no transmit timestamp")]
    ZeroTransmit,
    #[error("server's clock has never been set (no reference timestamp)")]
    NoReference,
    #[error("server's reference time is after its transmit time")]
    ReferenceAfterTransmit,
    #[error("server's root distance {distance_ms} ms is over the limit of {limit_ms} ms")]
    RootDistance { distance_ms: u64, limit_ms: u64 },
    #[error("round trip of {rtt_ms} ms is over the limit of {limit_ms} ms")]
    RttTooLong { rtt_ms: u64, limit_ms: u64 },
    #[error("reply's timestamps are inconsistent")]
    BadTimestamps,
    #[error("no answer within {waited_ms} ms")]
    NoAnswer { waited_ms: u64 },
    #[error("no answer before the other servers agreed")]
    GaveUpAfterQuorum,
    #[error("skipped: the server asked us to slow down (RATE); retrying later")]
    BackingOff,
    #[error("skipped: the server refused us (DENY/RSTR) earlier")]
    Dropped,
    #[error("could not resolve the server name: {reason}")]
    Resolve { reason: String },
    #[error("network error: {reason}")]
    Network { reason: String },
    #[error("HTTP date source failed: {reason}")]
    Http { reason: String },
    #[error("HTTP Date header is not a valid date: {value}")]
    BadHttpDate { value: String },
    #[error("disagrees with the agreed time by {}", seconds(*by_ms))]
    Disagrees { by_ms: i64 },
    #[error("is an outlier: {} from the agreed time", seconds(*by_ms))]
    Outlier { by_ms: i64 },
    #[error("disagrees with the time sources that proved who they are (HTTPS, Roughtime)")]
    AgainstAuthenticated,
    #[error("Roughtime answer is malformed: {reason}")]
    RoughtimeMalformed { reason: String },
    #[error("Roughtime signature is not valid ({reason}): forged or from another server")]
    BadSignature { reason: String },
    #[error(
        "Roughtime answer is not for our request (nonce or proof mismatch): replayed or forged"
    )]
    WrongNonce,
    #[error("Roughtime answer's time lies outside its key's validity: {reason}")]
    OutsideValidity { reason: String },
}

/// "+1.25 s" / "-510.0 s": a signed distance a user can read.
fn seconds(ms: i64) -> String {
    format!("{:+.2} s", ms as f64 / 1000.0)
}

impl Rejection {
    /// A stable machine code for scripts, JSON and the apps (the text may change; this does not).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::WrongAddress { .. } => "wrong_address",
            Rejection::TooShort { .. } => "too_short",
            Rejection::WrongOrigin => "wrong_origin",
            Rejection::WrongMode { .. } => "wrong_mode",
            Rejection::WrongVersion { .. } => "wrong_version",
            Rejection::KissOfDeath { .. } => "kiss_of_death",
            Rejection::BadStratum { .. } => "bad_stratum",
            Rejection::Unsynchronized => "unsynchronized",
            Rejection::ZeroTransmit => "zero_transmit",
            Rejection::NoReference => "no_reference",
            Rejection::ReferenceAfterTransmit => "reference_after_transmit",
            Rejection::RootDistance { .. } => "root_distance",
            Rejection::RttTooLong { .. } => "rtt_too_long",
            Rejection::BadTimestamps => "bad_timestamps",
            Rejection::NoAnswer { .. } => "no_answer",
            Rejection::GaveUpAfterQuorum => "gave_up_after_quorum",
            Rejection::BackingOff => "backing_off",
            Rejection::Dropped => "dropped",
            Rejection::Resolve { .. } => "resolve",
            Rejection::Network { .. } => "network",
            Rejection::Http { .. } => "http",
            Rejection::BadHttpDate { .. } => "bad_http_date",
            Rejection::Disagrees { .. } => "disagrees",
            Rejection::Outlier { .. } => "outlier",
            Rejection::AgainstAuthenticated => "against_authenticated",
            Rejection::RoughtimeMalformed { .. } => "roughtime_malformed",
            Rejection::BadSignature { .. } => "bad_signature",
            Rejection::WrongNonce => "wrong_nonce",
            Rejection::OutsideValidity { .. } => "outside_validity",
        }
    }

    /// Whether it means "we could not reach it" (as opposed to "it answered badly").
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Rejection::NoAnswer { .. }
                | Rejection::GaveUpAfterQuorum
                | Rejection::Network { .. }
                | Rejection::Resolve { .. }
                | Rejection::Http { .. }
                | Rejection::BackingOff
                | Rejection::Dropped
        )
    }
}

/// What the caller knew when it sent the request and received the reply.
#[derive(Debug, Clone, Copy)]
pub struct ReplyContext {
    /// The nonce we sent as transmit timestamp.
    pub origin: NtpTimestamp,
    pub sent_to: SocketAddr,
    pub received_from: SocketAddr,
    /// Boot-clock ms when the request was sent (T1) and the reply received (T4).
    pub t1_boot_ms: u64,
    pub t4_boot_ms: u64,
    /// NTP seconds are read as the first time at or after this Unix ms (era choice).
    pub era_floor_unix_ms: i64,
    pub max_root_distance_ms: u64,
    pub max_rtt_ms: u64,
}

/// A reply that passed every check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NtpSample {
    /// UTC ms − boot-clock ms: ((T2 − T1) + (T3 − T4)) / 2.
    pub offset_ms: i64,
    pub rtt_ms: u64,
    pub root_delay_ms: u64,
    pub root_dispersion_ms: u64,
    pub stratum: u8,
}

/// Applies every check of a server reply, in an order chosen for safety: address, length and
/// the origin nonce first (a packet that does not answer our request is never believed, not even
/// its Kiss-o'-Death), then the server's own health, then our round trip.
pub fn check_reply(bytes: &[u8], ctx: &ReplyContext) -> Result<NtpSample, Rejection> {
    if ctx.received_from != ctx.sent_to {
        return Err(Rejection::WrongAddress {
            expected: ctx.sent_to.to_string(),
            got: ctx.received_from.to_string(),
        });
    }
    let p = Packet::decode(bytes).ok_or(Rejection::TooShort { len: bytes.len() })?;
    if p.origin != ctx.origin {
        return Err(Rejection::WrongOrigin);
    }
    if p.mode != MODE_SERVER {
        return Err(Rejection::WrongMode { mode: p.mode });
    }
    if !(3..=4).contains(&p.version) {
        return Err(Rejection::WrongVersion { version: p.version });
    }
    if p.stratum == 0 {
        return Err(Rejection::KissOfDeath {
            code: KissCode::from_ref_id(p.reference_id),
        });
    }
    if p.stratum > 15 {
        return Err(Rejection::BadStratum { stratum: p.stratum });
    }
    if p.leap == LEAP_UNSYNCHRONIZED {
        return Err(Rejection::Unsynchronized);
    }
    if p.transmit.is_zero() {
        return Err(Rejection::ZeroTransmit);
    }
    if p.reference.is_zero() {
        return Err(Rejection::NoReference);
    }
    let floor = ctx.era_floor_unix_ms;
    let t3 = p
        .transmit
        .to_unix_ms(floor)
        .ok_or(Rejection::BadTimestamps)?;
    // The reference may legitimately be just before the floor; read it near the transmit time.
    let reference = p
        .reference
        .to_unix_ms_near(t3)
        .ok_or(Rejection::BadTimestamps)?;
    if reference > t3 {
        return Err(Rejection::ReferenceAfterTransmit);
    }
    let root_delay_ms = short_to_ms(p.root_delay);
    let root_dispersion_ms = short_to_ms(p.root_dispersion);
    let distance_ms = root_delay_ms / 2 + root_dispersion_ms;
    if distance_ms > ctx.max_root_distance_ms {
        return Err(Rejection::RootDistance {
            distance_ms,
            limit_ms: ctx.max_root_distance_ms,
        });
    }
    if p.receive.is_zero() {
        return Err(Rejection::BadTimestamps);
    }
    // Server processing time, era-independent (a reply straddling 2036 is fine).
    let processing_ms = p.transmit.wrapping_diff_ms(p.receive);
    if processing_ms < 0 {
        return Err(Rejection::BadTimestamps);
    }
    let t2 = t3
        .checked_sub(processing_ms)
        .ok_or(Rejection::BadTimestamps)?;
    let round_trip = ctx
        .t4_boot_ms
        .checked_sub(ctx.t1_boot_ms)
        .ok_or(Rejection::BadTimestamps)?;
    let processing = processing_ms.unsigned_abs();
    // Our clock ticks in whole ms, the server's in fractions: allow 1 ms of rounding.
    if processing > round_trip.saturating_add(1) {
        return Err(Rejection::BadTimestamps);
    }
    let rtt_ms = round_trip.saturating_sub(processing);
    if rtt_ms > ctx.max_rtt_ms {
        return Err(Rejection::RttTooLong {
            rtt_ms,
            limit_ms: ctx.max_rtt_ms,
        });
    }
    let t1 = i64::try_from(ctx.t1_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let t4 = i64::try_from(ctx.t4_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let a = t2.checked_sub(t1).ok_or(Rejection::BadTimestamps)?;
    let b = t3.checked_sub(t4).ok_or(Rejection::BadTimestamps)?;
    let offset_ms = i64::try_from((i128::from(a) + i128::from(b)).div_euclid(2))
        .map_err(|_| Rejection::BadTimestamps)?;
    Ok(NtpSample {
        offset_ms,
        rtt_ms,
        root_delay_ms,
        root_dispersion_ms,
        stratum: p.stratum,
    })
}

#[cfg(test)]
#[path = "sntp_tests.rs"]
mod tests;
