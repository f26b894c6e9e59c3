//! Sync time and offset error against fake NTP servers on loopback, with the real system clocks.
//!
//! `cargo run --release -p kunci --example sync_bench [RUNS]`
//!
//! Targets (issue "trusted time"): ≤ 0.6 s with one silent server of four; offset error ≤ 0.5 s
//! against servers skewed by +90 s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kunci::time::{
    FakeNtpServer, MemoryTimeStore, Misbehaviour, SyncConfig, SyncStatus, SystemBootClock,
    SystemWallClock, TrustedClock, WallClock,
};

struct Run {
    took: Duration,
    offset_ms: i64,
    uncertainty_ms: u64,
}

fn run(servers: &[FakeNtpServer]) -> Run {
    let config = SyncConfig {
        ntp_servers: servers.iter().map(FakeNtpServer::name).collect(),
        ..SyncConfig::default()
    };
    let clock = TrustedClock::new(
        Arc::new(SystemBootClock::new()),
        Arc::new(SystemWallClock),
        Arc::new(MemoryTimeStore::new()),
        config,
    );
    let started = Instant::now();
    let report = clock.sync().expect("sync");
    let took = started.elapsed();
    assert_eq!(report.status, SyncStatus::Synced, "{report:?}");
    Run {
        took,
        offset_ms: report.offset_ms,
        uncertainty_ms: report.uncertainty_ms,
    }
}

fn spawn(offset_ms: i64, silent: usize) -> Vec<FakeNtpServer> {
    let wall: Arc<dyn WallClock> = Arc::new(SystemWallClock);
    (0..4)
        .map(|i| {
            let m = if i < silent {
                Misbehaviour::Silent
            } else {
                Misbehaviour::None
            };
            FakeNtpServer::spawn(wall.clone(), offset_ms, m).expect("bind 127.0.0.1")
        })
        .collect()
}

fn summary(name: &str, runs: &[Run], expected_offset_ms: i64) {
    let mut t: Vec<f64> = runs.iter().map(|r| r.took.as_secs_f64()).collect();
    t.sort_by(f64::total_cmp);
    let err = runs
        .iter()
        .map(|r| (r.offset_ms - expected_offset_ms).unsigned_abs())
        .max()
        .unwrap_or(0);
    let unc = runs.iter().map(|r| r.uncertainty_ms).max().unwrap_or(0);
    println!(
        "{name:<28} runs {:>3}  sync median {:.3} s  max {:.3} s  max |offset error| {err} ms  max uncertainty {unc} ms",
        runs.len(),
        t[t.len() / 2],
        t[t.len() - 1],
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    for (name, offset, silent) in [
        ("4 servers, 0 silent", 0, 0),
        ("4 servers, 1 silent", 0, 1),
        ("4 servers +90 s, 0 silent", 90_000, 0),
        ("4 servers +90 s, 1 silent", 90_000, 1),
    ] {
        let servers = spawn(offset, silent);
        let runs: Vec<Run> = (0..n).map(|_| run(&servers)).collect();
        summary(name, &runs, offset);
    }
}
