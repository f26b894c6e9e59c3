use super::*;
use proptest::prelude::*;

const NOW: i64 = 1_780_000_000_000; // 2026-05-28
const BOOT: u64 = 5_000_000;

fn addr() -> SocketAddr {
    "127.0.0.1:123".parse().unwrap()
}

fn ctx(origin: NtpTimestamp) -> ReplyContext {
    ReplyContext {
        origin,
        sent_to: addr(),
        received_from: addr(),
        t1_boot_ms: BOOT,
        t4_boot_ms: BOOT + 20,
        era_floor_unix_ms: DEFAULT_ERA_FLOOR_UNIX_MS,
        max_root_distance_ms: 1000,
        max_rtt_ms: 1000,
    }
}

fn good_reply(origin: NtpTimestamp, utc: i64) -> Packet {
    Packet {
        leap: 0,
        version: 4,
        mode: MODE_SERVER,
        stratum: 2,
        poll: 0,
        precision: -20,
        root_delay: ms_to_short(10),
        root_dispersion: ms_to_short(5),
        reference_id: [10, 0, 0, 1],
        reference: NtpTimestamp::from_unix_ms(utc - 60_000),
        origin,
        receive: NtpTimestamp::from_unix_ms(utc),
        transmit: NtpTimestamp::from_unix_ms(utc + 2),
    }
}

fn check(p: Packet) -> Result<NtpSample, Rejection> {
    let origin = NtpTimestamp(0x1234_5678_9abc_def0);
    check_reply(&p.encode(), &ctx(origin))
}

fn origin() -> NtpTimestamp {
    NtpTimestamp(0x1234_5678_9abc_def0)
}

#[test]
fn good_reply_gives_utc_minus_boot() {
    let s = check(good_reply(origin(), NOW)).unwrap();
    // T2 = NOW, T3 = NOW+2, T1 = BOOT, T4 = BOOT+20 → offset = NOW − BOOT − 9.
    assert_eq!(s.offset_ms, NOW - BOOT as i64 - 9);
    assert_eq!(s.rtt_ms, 18);
    assert_eq!(s.stratum, 2);
    assert_eq!(s.root_delay_ms, 10);
    assert_eq!(s.root_dispersion_ms, 5);
}

#[test]
fn request_is_mode_3_version_4_with_nonce_only() {
    let p = Packet::decode(&Packet::request(origin()).encode()).unwrap();
    assert_eq!((p.mode, p.version, p.leap), (3, 4, 0));
    assert_eq!(p.transmit, origin());
    assert!(p.origin.is_zero() && p.receive.is_zero() && p.reference.is_zero());
}

#[test]
fn wrong_source_address_rejected() {
    let mut c = ctx(origin());
    c.received_from = "127.0.0.2:123".parse().unwrap();
    let r = check_reply(&good_reply(origin(), NOW).encode(), &c);
    assert!(matches!(r, Err(Rejection::WrongAddress { .. })));
    c.received_from = "127.0.0.1:124".parse().unwrap();
    let r = check_reply(&good_reply(origin(), NOW).encode(), &c);
    assert!(matches!(r, Err(Rejection::WrongAddress { .. })));
}

#[test]
fn short_packet_rejected() {
    let b = good_reply(origin(), NOW).encode();
    assert_eq!(
        check_reply(&b[..47], &ctx(origin())),
        Err(Rejection::TooShort { len: 47 })
    );
}

#[test]
fn wrong_origin_rejected() {
    let p = good_reply(NtpTimestamp(42), NOW);
    assert_eq!(check(p), Err(Rejection::WrongOrigin));
}

#[test]
fn kiss_of_death_only_believed_after_origin_check() {
    let mut p = good_reply(origin(), NOW);
    p.stratum = 0;
    p.reference_id = *b"RATE";
    assert_eq!(
        check(p),
        Err(Rejection::KissOfDeath {
            code: KissCode::Rate
        })
    );
    p.reference_id = *b"DENY";
    assert_eq!(
        check(p),
        Err(Rejection::KissOfDeath {
            code: KissCode::Deny
        })
    );
    p.reference_id = *b"RSTR";
    assert_eq!(
        check(p),
        Err(Rejection::KissOfDeath {
            code: KissCode::Restrict
        })
    );
    // A spoofed DENY (not echoing our nonce) must not make us drop the server.
    p.origin = NtpTimestamp(7);
    assert_eq!(check(p), Err(Rejection::WrongOrigin));
}

#[test]
fn wrong_mode_and_version_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.mode = 3;
    assert_eq!(check(p), Err(Rejection::WrongMode { mode: 3 }));
    let mut p = good_reply(origin(), NOW);
    p.version = 7;
    assert_eq!(check(p), Err(Rejection::WrongVersion { version: 7 }));
    p.version = 3;
    assert!(check(p).is_ok());
}

#[test]
fn stratum_outside_1_to_15_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.stratum = 16;
    assert_eq!(check(p), Err(Rejection::BadStratum { stratum: 16 }));
    p.stratum = 255;
    assert_eq!(check(p), Err(Rejection::BadStratum { stratum: 255 }));
    p.stratum = 1;
    assert!(check(p).is_ok());
    p.stratum = 15;
    assert!(check(p).is_ok());
}

#[test]
fn leap_3_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.leap = 3;
    assert_eq!(check(p), Err(Rejection::Unsynchronized));
    p.leap = 1; // a leap second announcement is fine
    assert!(check(p).is_ok());
}

#[test]
fn zero_transmit_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.transmit = NtpTimestamp(0);
    assert_eq!(check(p), Err(Rejection::ZeroTransmit));
}

#[test]
fn reference_after_transmit_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.reference = NtpTimestamp::from_unix_ms(NOW + 10_000);
    assert_eq!(check(p), Err(Rejection::ReferenceAfterTransmit));
    p.reference = NtpTimestamp(0);
    assert_eq!(check(p), Err(Rejection::NoReference));
}

#[test]
fn root_distance_over_limit_rejected() {
    let mut p = good_reply(origin(), NOW);
    p.root_dispersion = ms_to_short(1500);
    assert!(matches!(check(p), Err(Rejection::RootDistance { .. })));
    let mut p = good_reply(origin(), NOW);
    p.root_delay = u32::MAX; // 65536 s: must not overflow
    assert!(matches!(check(p), Err(Rejection::RootDistance { .. })));
}

#[test]
fn rtt_over_limit_rejected() {
    let mut c = ctx(origin());
    c.t4_boot_ms = BOOT + 5_000;
    let r = check_reply(&good_reply(origin(), NOW).encode(), &c);
    assert!(matches!(r, Err(Rejection::RttTooLong { rtt_ms: 4998, .. })));
}

#[test]
fn inconsistent_timestamps_rejected() {
    // Server claims it sent before it received.
    let mut p = good_reply(origin(), NOW);
    p.transmit = NtpTimestamp::from_unix_ms(NOW - 5);
    p.reference = NtpTimestamp::from_unix_ms(NOW - 60_000);
    assert_eq!(check(p), Err(Rejection::BadTimestamps));
    // Server claims longer processing than our whole round trip.
    let mut p = good_reply(origin(), NOW);
    p.transmit = NtpTimestamp::from_unix_ms(NOW + 500);
    assert_eq!(check(p), Err(Rejection::BadTimestamps));
    // Reply "received" before sent on our boot clock.
    let mut c = ctx(origin());
    c.t4_boot_ms = BOOT - 1;
    let r = check_reply(&good_reply(origin(), NOW).encode(), &c);
    assert_eq!(r, Err(Rejection::BadTimestamps));
    // Receive timestamp zero.
    let mut p = good_reply(origin(), NOW);
    p.receive = NtpTimestamp(0);
    assert_eq!(check(p), Err(Rejection::BadTimestamps));
}

#[test]
fn reply_across_2036_rollover() {
    // 2036-02-07T06:28:16Z is NTP second 2^32, i.e. second 0 of era 1.
    let rollover = (ERA_SECS - NTP_UNIX_DELTA_SECS) * 1000;
    let mut p = good_reply(origin(), rollover - 1);
    // receive in era 0, transmit in era 1, reference 60 s earlier in era 0
    assert_eq!(p.transmit.seconds(), 0);
    assert_eq!(p.receive.seconds(), u32::MAX);
    p.reference = NtpTimestamp::from_unix_ms(rollover - 60_000);
    let s = check(p).unwrap();
    assert_eq!(s.offset_ms, (rollover - 1) - BOOT as i64 - 9);
    assert_eq!(s.rtt_ms, 18);
}

#[test]
fn short_format_conversion() {
    assert_eq!(short_to_ms(1 << 16), 1000);
    assert_eq!(short_to_ms(0), 0);
    assert_eq!(short_to_ms(ms_to_short(10)), 10);
    assert_eq!(ms_to_short(u64::MAX / 2), u32::MAX);
}

// Unix ms from 1900 to 2500.
const MIN_MS: i64 = -NTP_UNIX_DELTA_SECS * 1000;
const MAX_MS: i64 = 16_725_225_600_000;

proptest! {
    #[test]
    fn unix_ntp_roundtrip_any_era(t in MIN_MS..MAX_MS, back in 0i64..(ERA_SECS * 1000)) {
        // Any floor within one era before t recovers t exactly.
        let ts = NtpTimestamp::from_unix_ms(t);
        prop_assert_eq!(ts.to_unix_ms(t - back), Some(t));
    }

    #[test]
    fn era_choice_is_first_after_floor(t in MIN_MS..MAX_MS, floor in MIN_MS..MAX_MS) {
        let got = NtpTimestamp::from_unix_ms(t).to_unix_ms(floor).unwrap();
        prop_assert!(got >= floor);
        prop_assert!(got - floor < ERA_SECS * 1000);
        prop_assert_eq!((got - t).rem_euclid(ERA_SECS * 1000), 0);
    }

    #[test]
    fn near_pivot_within_half_era(t in MIN_MS..MAX_MS, d in -(ERA_SECS / 2 - 1) * 1000..(ERA_SECS / 2 - 1) * 1000) {
        let ts = NtpTimestamp::from_unix_ms(t);
        prop_assert_eq!(ts.to_unix_ms_near(t + d), Some(t));
    }

    #[test]
    fn wrapping_diff_is_era_independent(t in MIN_MS..MAX_MS, d in -1_000_000_000_000i64..1_000_000_000_000) {
        // Differences under 68 years survive the wrap, whichever eras the two lie in.
        let a = NtpTimestamp::from_unix_ms(t);
        let b = NtpTimestamp::from_unix_ms(t + d);
        let got = b.wrapping_diff_ms(a);
        // fractions are rounded up to the next 2^-32 s: allow one ms of truncation
        prop_assert!((got - d).abs() <= 1, "got {} want {}", got, d);
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = Packet::decode(&bytes);
        let _ = check_reply(&bytes, &ReplyContext {
            origin: NtpTimestamp(1),
            sent_to: "127.0.0.1:1".parse().unwrap(),
            received_from: "127.0.0.1:1".parse().unwrap(),
            t1_boot_ms: 0,
            t4_boot_ms: u64::MAX,
            era_floor_unix_ms: i64::MAX - 1,
            max_root_distance_ms: u64::MAX,
            max_rtt_ms: u64::MAX,
        });
    }

    #[test]
    fn encode_decode_roundtrip(b in proptest::array::uniform32(any::<u8>()), c in proptest::array::uniform16(any::<u8>())) {
        let mut bytes = [0u8; PACKET_LEN];
        bytes[..32].copy_from_slice(&b);
        bytes[32..48].copy_from_slice(&c);
        prop_assert_eq!(Packet::decode(&bytes).unwrap().encode(), bytes);
    }
}
