//! A UDP datagram claiming to be an NTP reply, with the request context also fuzzed: the first
//! 32 bytes are origin nonce, T1 and T4 on the boot clock, and the era floor; the rest is the
//! datagram. Oracle besides "no panic": an accepted sample's RTT is within the limit.
#![no_main]
use kunci::{NtpTimestamp, ReplyContext, check_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 32 {
        return;
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[i..i + 8]);
        u64::from_be_bytes(b)
    };
    let addr = "127.0.0.1:123".parse().unwrap();
    let ctx = ReplyContext {
        origin: NtpTimestamp(u64_at(0)),
        sent_to: addr,
        received_from: addr,
        t1_boot_ms: u64_at(8),
        t4_boot_ms: u64_at(16),
        era_floor_unix_ms: u64_at(24) as i64,
        max_root_distance_ms: 1000,
        max_rtt_ms: 1000,
    };
    if let Ok(s) = check_reply(&data[32..], &ctx) {
        assert!(s.rtt_ms <= ctx.max_rtt_ms);
        assert!(s.stratum >= 1 && s.stratum <= 15);
    }
});
