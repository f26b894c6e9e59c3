//! `kunci time sync | status | serve`.

use crate::output::Output;
use crate::{clock, CliError, Outcome};
use kunci::app::{Kunci, SyncSources};
use kunci::time::{serve, Misbehaviour, ServeOptions, SyncConfig, SyncStatus, SystemWallClock};
use kunci::KunciError;
use serde::Serialize;
use std::net::UdpSocket;
use std::time::Duration;

/// The sync configuration for `--ntp` / `--https` / `--quorum` (defaults when none are given),
/// by the core's one rule (sources chosen by hand must all agree, up to the usual quorum);
/// `--quorum 0` is refused before the vault is unlocked.
pub fn sync_config(
    ntp: &[String],
    https: &[String],
    quorum: Option<usize>,
) -> Result<SyncConfig, CliError> {
    let by_hand = !ntp.is_empty() || !https.is_empty();
    let sources = SyncSources {
        ntp_servers: by_hand.then(|| ntp.to_vec()),
        https_urls: https.to_vec(),
        quorum,
    };
    Ok(sources.config()?)
}

pub fn sync(out: &Output, app: &Kunci) -> Result<Outcome, CliError> {
    out.note(format!(
        "asking {} time source(s)...",
        app.configured_sources()
    ));
    let report = match app.sync_time(None) {
        Ok(r) => r,
        Err(e @ KunciError::TimeSyncFailed { .. }) => {
            // Offline is "not verified" (1), not bad input: codes keep working on the last sync.
            eprintln!("error: {}", e.detail());
            return Ok(Outcome::NothingFound);
        }
        Err(e) => return Err(e.into()),
    };
    out.emit(&report, || {
        let mut lines = vec![format!(
            "{}: offset {:+.3} s, ±{:.3} s ({} of {} sources agree)",
            match report.status {
                SyncStatus::Synced => "synced",
                SyncStatus::Quarantined =>
                    "held back (a large jump; confirm with another sync in a few minutes)",
                SyncStatus::NoConsensus => "no agreement; the clock was not changed",
            },
            report.offset_ms as f64 / 1000.0,
            report.uncertainty_ms as f64 / 1000.0,
            report.agreeing,
            report.responded
        )];
        for r in &report.rejected {
            lines.push(format!("  rejected {}: {}", r.source, r.reason));
        }
        lines.join("\n")
    });
    Ok(match report.status {
        SyncStatus::Synced => Outcome::Done,
        _ => Outcome::NothingFound,
    })
}

pub fn status(out: &Output, app: &Kunci) -> Result<Outcome, CliError> {
    // The core does not read the time zone; the CLI passes what the process has.
    let tz = std::env::var("TZ").unwrap_or_else(|_| "UTC".into());
    let d = app.diagnostics(&tz, 0);
    out.emit(&d, || {
        let mut lines = vec![
            format!("status:      {}", d.status.as_str()),
            format!(
                "offset:      {:+.3} s (corrected minus this device's clock)",
                d.offset_ms as f64 / 1000.0
            ),
            format!("uncertainty: ±{:.3} s", d.uncertainty_ms as f64 / 1000.0),
            format!("last sync:   {}", d.last_sync.as_deref().unwrap_or("never")),
            format!("time zone:   {}", d.time_zone),
        ];
        if let Some(ppm) = d.drift_ppm {
            lines.push(format!("drift:       {ppm:+.1} ppm"));
        }
        if d.quarantined {
            lines.push("a large jump is held back until a second sync confirms it".into());
        }
        for s in &d.sources {
            lines.push(format!("source:      {s:?}"));
        }
        lines.join("\n")
    });
    Ok(Outcome::Done)
}

pub fn serve_cmd(
    out: &Output,
    listen: &str,
    offset_seconds: f64,
    duration_seconds: Option<u64>,
    max_requests: Option<u64>,
) -> Result<Outcome, CliError> {
    if !offset_seconds.is_finite() || offset_seconds.abs() > 100.0 * 365.0 * 86_400.0 {
        return Err(CliError::bad_input(
            "--offset must be a number of seconds within 100 years",
        ));
    }
    let socket = UdpSocket::bind(listen)
        .map_err(|e| CliError::bad_input(format!("cannot listen on {listen}: {e}")))?;
    let addr = socket
        .local_addr()
        .map_err(|e| CliError::bad_input(e.to_string()))?;
    out.note(format!(
        "serving NTP on {addr} at wall clock {offset_seconds:+} s{}; Ctrl-C to stop",
        duration_seconds.map_or(String::new(), |d| format!(" for {d} s"))
    ));
    let offset_ms = (offset_seconds * 1000.0).round() as i64;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Some(d) = duration_seconds {
        // The lifetime bound: a thread flips the stop flag (the server checks it every 20 ms).
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(d));
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    }
    let options = ServeOptions {
        misbehaviour: Misbehaviour::None,
        max_requests,
        stop: Some(stop),
        ..ServeOptions::default()
    };
    #[derive(Serialize)]
    struct Served {
        peer: String,
        answered_utc_ms: Option<i64>,
        wall_unix: u64,
    }
    let stats = serve(socket, offset_ms, &SystemWallClock, &options, &mut |r| {
        let line = Served {
            peer: r.peer.to_string(),
            answered_utc_ms: r.answered_utc_ms,
            wall_unix: clock::unix_now(),
        };
        out.emit(&line, || match r.answered_utc_ms {
            Some(ms) => format!(
                "{} <- {}",
                line.peer,
                chrono::DateTime::from_timestamp_millis(ms)
                    .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                    .unwrap_or_else(|| ms.to_string())
            ),
            None => format!("{} (no answer)", line.peer),
        });
    })
    .map_err(KunciError::from)?;
    out.note(format!("stopped after {} request(s)", stats.requests));
    Ok(Outcome::Done)
}
