//! The clocks: traits the platform implements and the system implementations for the CLI (the
//! fakes for tests and QA are in `fakes`). `SystemBootClock` and `SystemWallClock` are the only code in the crate that
//! reads a clock; everything else is handed values, so tests never sleep.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// A clock that counts milliseconds since boot, including time asleep (Android
/// `elapsedRealtime`, iOS `mach_continuous_time`, Linux `CLOCK_BOOTTIME`). Users cannot set it,
/// so time carried on it survives a wrong or changed wall clock.
pub trait BootClock: Send + Sync {
    /// Identifies this boot; a different value means the boot clock restarted.
    fn boot_id(&self) -> String;
    /// Milliseconds since boot.
    fn elapsed_ms(&self) -> u64;
}

/// The device's settable wall clock: Unix milliseconds.
pub trait WallClock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now_ms(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |v| -v),
        }
    }
}

/// Linux boot clock without `unsafe` or `libc`: `/proc/uptime` is CLOCK_BOOTTIME but only to
/// 10 ms, so we take its value once and count finer steps with the monotonic `Instant`. Instant
/// stops while the machine sleeps, so each read compares against `/proc/uptime` again and rebases
/// when the two part by more than 50 ms (a suspend happened). Elsewhere (no `/proc`), the clock
/// counts from process start and each process is its own "boot": anchors are then never carried
/// between processes, which is the safe failure (status Unverified).
#[derive(Debug)]
pub struct SystemBootClock {
    boot_id: String,
    base: Mutex<(Instant, u64)>,
    last: AtomicU64,
}

impl Default for SystemBootClock {
    fn default() -> Self {
        Self::new()
    }
}

impl SystemBootClock {
    pub fn new() -> Self {
        let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("process-{:016x}", rand::random::<u64>()));
        let start = uptime_ms().unwrap_or(0);
        SystemBootClock {
            boot_id,
            base: Mutex::new((Instant::now(), start)),
            last: AtomicU64::new(start),
        }
    }
}

fn uptime_ms() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/uptime").ok()?;
    let first = s.split_whitespace().next()?;
    let (whole, frac) = first.split_once('.').unwrap_or((first, "0"));
    let whole: u64 = whole.parse().ok()?;
    let frac = format!("{frac:0<3}");
    let ms: u64 = frac.get(..3)?.parse().ok()?;
    whole.checked_mul(1000)?.checked_add(ms)
}

impl BootClock for SystemBootClock {
    fn boot_id(&self) -> String {
        self.boot_id.clone()
    }

    fn elapsed_ms(&self) -> u64 {
        let coarse = uptime_ms();
        let mut base = match self.base.lock() {
            Ok(b) => b,
            Err(p) => p.into_inner(),
        };
        let fine = base
            .1
            .saturating_add(u64::try_from(base.0.elapsed().as_millis()).unwrap_or(u64::MAX));
        let value = match coarse {
            Some(c) if c.abs_diff(fine) > 50 => {
                *base = (Instant::now(), c);
                c
            }
            _ => fine,
        };
        drop(base);
        // Never step backwards, whatever the two sources say.
        self.last.fetch_max(value, Ordering::Relaxed).max(value)
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
