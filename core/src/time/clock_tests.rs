use super::*;
use crate::time::fakes::{FakeBootClock, FakeWallClock};

#[test]
fn system_boot_clock_is_monotonic_and_has_an_id() {
    let c = SystemBootClock::new();
    assert!(!c.boot_id().is_empty());
    let a = c.elapsed_ms();
    let b = c.elapsed_ms();
    assert!(b >= a);
    if std::path::Path::new("/proc/uptime").exists() {
        let up = uptime_ms().unwrap();
        assert!(up.abs_diff(b) < 1000, "uptime {up} vs boot clock {b}");
        // Same boot id as another instance: anchors carry between CLI runs.
        assert_eq!(SystemBootClock::new().boot_id(), c.boot_id());
    }
}

#[test]
fn system_wall_clock_is_after_2025() {
    assert!(SystemWallClock.now_ms() > 1_735_689_600_000);
}

#[test]
fn fakes_move_only_by_hand() {
    let b = FakeBootClock::new("a", 10);
    b.advance(5);
    assert_eq!(b.elapsed_ms(), 15);
    b.reboot("b", 1);
    assert_eq!((b.boot_id(), b.elapsed_ms()), ("b".to_string(), 1));
    let w = FakeWallClock::new(100);
    w.advance(-50);
    assert_eq!(w.now_ms(), 50);
}
