use super::*;
use crate::time::fakes::FileTimeStore;

fn anchor() -> Anchor {
    Anchor {
        boot_id: "b1".into(),
        boot_ms: 1_000,
        utc_ms: 1_780_000_000_000,
        uncertainty_ms: 20,
        drift_ppm: 0.0,
        growth_ppm: DEFAULT_GROWTH_PPM,
    }
}

#[test]
fn prediction_carries_time_on_the_boot_clock() {
    let a = anchor();
    assert_eq!(a.predict("b1", 1_000), Some((1_780_000_000_000, 20)));
    // one hour later: +3.6e6 ms, uncertainty +360 ms (100 ppm)
    assert_eq!(
        a.predict("b1", 3_601_000),
        Some((1_780_000_000_000 + 3_600_000, 380))
    );
    assert_eq!(a.predict("b2", 3_601_000), None);
    assert_eq!(a.predict("b1", 999), None);
}

#[test]
fn prediction_applies_drift() {
    let a = Anchor {
        drift_ppm: 50.0,
        growth_ppm: 10.0,
        ..anchor()
    };
    let (utc, unc) = a.predict("b1", 1_000 + 1_000_000_000).unwrap();
    assert_eq!(utc, 1_780_000_000_000 + 1_000_000_000 + 50_000);
    assert_eq!(unc, 20 + 10_000);
}

#[test]
fn state_roundtrips_and_rejects_garbage() {
    let s = TimeState {
        anchor: Some(anchor()),
        high_water_utc_ms: Some(5),
        backoff: vec![SourceBackoff {
            source: "x".into(),
            boot_id: "b1".into(),
            until_boot_ms: None,
            code: "DENY".into(),
        }],
        ..TimeState::default()
    };
    assert_eq!(TimeState::from_bytes(&s.to_bytes()).unwrap(), s);
    assert!(matches!(
        TimeState::from_bytes(b"{not json"),
        Err(TimeError::CorruptState { .. })
    ));
    let mut future = s.clone();
    future.version = 99;
    assert!(TimeState::from_bytes(&future.to_bytes()).is_err());
    // NaN drift is stored as a plain number, never poisoning later predictions.
    let mut nan = s.clone();
    nan.anchor.as_mut().unwrap().drift_ppm = f64::NAN;
    let back = TimeState::from_bytes(&nan.to_bytes()).unwrap();
    assert_eq!(back.anchor.unwrap().drift_ppm, 0.0);
}

#[test]
fn file_store_roundtrip() {
    let dir = std::env::temp_dir().join(format!("kunci-time-{:x}", rand::random::<u64>()));
    let store = FileTimeStore::new(dir.join("time.json"));
    assert!(store.load().is_none());
    let s = TimeState {
        anchor: Some(anchor()),
        ..TimeState::default()
    };
    store.save(&s).unwrap();
    assert_eq!(store.load(), Some(s));
    std::fs::write(dir.join("time.json"), b"garbage").unwrap();
    assert!(store.load().is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn backoff_expires_and_ends_with_the_boot() {
    let b = SourceBackoff {
        source: "s".into(),
        boot_id: "b1".into(),
        until_boot_ms: Some(100),
        code: "RATE".into(),
    };
    assert!(b.active("b1", 99));
    assert!(!b.active("b1", 100));
    assert!(!b.active("b2", 0));
}
