//! Sync time and offset error against fake NTP servers and HTTP `Date` servers on loopback, with
//! the real system clocks.
//!
//! `cargo run --release -p kunci --example sync_bench [RUNS]`
//!
//! Targets (issue "trusted time"): ≤ 0.6 s with one silent server of four; offset error ≤ 0.5 s
//! against servers skewed by +90 s. Also: only HTTP `Date` sources with NTP silent (UDP blocked).

use std::sync::Arc;
use std::time::{Duration, Instant};

use kunci::testkit::{FakeNtpServer, MemoryTimeStore, Misbehaviour};
use kunci::{
    PlainHttpDate, SyncConfig, SyncStatus, SystemBootClock, SystemWallClock, TrustedClock,
    WallClock,
};

/// An HTTP server on 127.0.0.1 whose `Date` is the wall clock plus `offset_ms` (runs until the
/// process ends; the bench is short-lived).
fn date_server(offset_ms: i64) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for mut c in listener.incoming().flatten() {
            let mut b = [0u8; 1024];
            let _ = c.read(&mut b);
            let now = SystemWallClock.now_ms() + offset_ms;
            if let Some(d) = chrono::DateTime::from_timestamp_millis(now) {
                let date = d.format("%a, %d %b %Y %H:%M:%S GMT");
                let _ = write!(c, "HTTP/1.1 204 No Content\r\nDate: {date}\r\n\r\n");
            }
        }
    });
    url
}

struct Run {
    took: Duration,
    offset_ms: i64,
    uncertainty_ms: u64,
}

fn run(servers: &[FakeNtpServer], http: &[String]) -> Run {
    let config = SyncConfig {
        ntp_servers: servers.iter().map(FakeNtpServer::name).collect(),
        https_urls: http.to_vec(),
        // Loopback only: no public Roughtime servers.
        roughtime_servers: Vec::new(),
        ..SyncConfig::default()
    };
    let clock = TrustedClock::new(
        Arc::new(SystemBootClock::new()),
        Arc::new(SystemWallClock),
        Arc::new(MemoryTimeStore::new()),
        config,
    )
    .with_https(Arc::new(PlainHttpDate::default()));
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
        let runs: Vec<Run> = (0..n).map(|_| run(&servers, &[])).collect();
        summary(name, &runs, offset);
    }
    // UDP blocked: every NTP server silent, three HTTP Date servers at +90 s.
    let silent = spawn(0, 4);
    let http: Vec<String> = (0..3).map(|_| date_server(90_000)).collect();
    let runs: Vec<Run> = (0..n).map(|_| run(&silent, &http)).collect();
    summary("NTP silent, 3 HTTP Date +90 s", &runs, 90_000);
}
