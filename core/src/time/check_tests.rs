//! `time check`: which clock is off, said in one sentence, kept for diagnostics.

use std::sync::Arc;

use super::super::sample::{Sample, SourceKind, SourceResult};
use super::super::*;
use super::*;

const TRUTH: i64 = 1_780_000_000_000;

/// A portal whose clock is `offset_ms` from the truth (its `Date` header, whole seconds).
struct Portal {
    truth: Arc<FakeWallClock>,
    offset_ms: i64,
}

impl HttpsDate for Portal {
    fn fetch_date(&self, _url: String) -> Result<String, PlatformError> {
        Ok(
            chrono::DateTime::from_timestamp_millis(self.truth.now_ms() + self.offset_ms)
                .unwrap()
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        )
    }
    fn is_authenticated(&self, _url: String) -> bool {
        true
    }
}

/// A clock synced to the truth while the phone's wall clock is `wall_skew_ms` off.
fn synced(wall_skew_ms: i64, portal_offset_ms: i64, sync: bool) -> TrustedClock {
    let truth = Arc::new(FakeWallClock::new(TRUTH));
    let boot = Arc::new(FakeBootClock::new("b", 1_000_000));
    let clock = TrustedClock::new(
        boot,
        Arc::new(FakeWallClock::new(TRUTH + wall_skew_ms)),
        Arc::new(MemoryTimeStore::new()),
        SyncConfig::default(),
    )
    .with_https(Arc::new(Portal {
        truth,
        offset_ms: portal_offset_ms,
    }));
    if sync {
        let s = SourceResult {
            source: "s".into(),
            outcome: Ok(Sample {
                offset_ms: TRUTH - 1_000_000,
                half_width_ms: 300,
                rtt_ms: 1,
                kind: SourceKind::Ntp,
            }),
        };
        let r = clock.apply(vec![s.clone(), s.clone(), s]).unwrap();
        assert_eq!(r.status, SyncStatus::Synced);
    }
    clock
}

#[test]
fn phone_behind_portal_right() {
    let clock = synced(-90_000, 0, true);
    let c = clock.check_portal("https://portal.test/").unwrap();
    assert_eq!(c.verdict, PortalVerdict::PhoneOff, "{c:?}");
    assert!(c.message.contains("1 min 30 s behind"), "{}", c.message);
    assert!(c.portal_offset_ms.abs() <= 1_000);
    // Kept for the diagnostics.
    let d = clock.diagnostics("UTC", 0);
    assert_eq!(
        d.portal_check.as_ref().map(|p| p.verdict),
        Some(PortalVerdict::PhoneOff)
    );
}

#[test]
fn portal_ahead_phone_right() {
    let clock = synced(0, 120_000, true);
    let c = clock.check_portal("https://portal.test/").unwrap();
    assert_eq!(c.verdict, PortalVerdict::PortalOff, "{c:?}");
    assert!(c.message.contains("2 min ahead"), "{}", c.message);
    assert!(c.message.contains("helpdesk"), "{}", c.message);
}

#[test]
fn both_right_and_both_off() {
    let c = synced(0, 0, true).check_portal("https://p/").unwrap();
    assert_eq!(c.verdict, PortalVerdict::BothRight, "{c:?}");
    let c = synced(3_600_000, -60_000, true)
        .check_portal("https://p/")
        .unwrap();
    assert_eq!(c.verdict, PortalVerdict::BothOff, "{c:?}");
}

#[test]
fn unverified_time_cannot_judge() {
    let c = synced(0, 120_000, false)
        .check_portal("https://p/")
        .unwrap();
    assert_eq!(c.verdict, PortalVerdict::Unverified);
    assert!(c.message.contains("sync time first"), "{}", c.message);
}
