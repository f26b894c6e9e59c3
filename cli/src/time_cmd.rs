//! `kunci time sync | status | check | serve`.

use kunci::testkit::{serve, Misbehaviour, ServeOptions, ServerKeys};
use kunci::{
    Kunci, KunciError, PortalVerdict, RoughtimeServer, SyncConfig, SyncSources, SyncStatus,
    SystemWallClock, TimeDiagnostics,
};
use kunci_cli::output::Output;
use kunci_cli::{clock, code, CliError, Outcome};
use serde::Serialize;
use std::net::UdpSocket;
use std::time::Duration;

/// The sync configuration for `--ntp` / `--https` / `--roughtime` / `--quorum` (defaults when
/// none are given), by the core's one rule (sources chosen by hand must all agree, up to the
/// usual quorum); `--quorum 0` is refused before the vault is unlocked.
pub fn sync_config(
    ntp: &[String],
    https: &[String],
    roughtime: &[String],
    quorum: Option<usize>,
) -> Result<SyncConfig, CliError> {
    let by_hand = !ntp.is_empty() || !https.is_empty() || !roughtime.is_empty();
    let roughtime = roughtime
        .iter()
        .map(|r| RoughtimeServer::parse(r).map_err(CliError::bad_input))
        .collect::<Result<Vec<_>, _>>()?;
    let sources = SyncSources {
        ntp_servers: by_hand.then(|| ntp.to_vec()),
        https_urls: by_hand.then(|| https.to_vec()),
        roughtime_servers: by_hand.then_some(roughtime),
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
        let mut lines = vec![report.message.clone()];
        for r in &report.rejected {
            lines.push(format!(
                "  not used: {} ({}): {}",
                r.source, r.code, r.reason
            ));
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
    out.emit(&d, || status_text(&d));
    Ok(Outcome::Done)
}

fn status_text(d: &TimeDiagnostics) -> String {
    let mut lines = vec![
        d.message.clone(),
        format!("status:      {}", d.status.as_str()),
        format!("phone clock: {}", d.phone_clock),
        format!("uncertainty: {}", kunci::plus_minus(d.uncertainty_ms)),
        format!("last sync:   {}", d.last_sync.as_deref().unwrap_or("never")),
        format!("time zone:   {}", d.time_zone),
    ];
    if let Some(ppm) = d.drift_ppm {
        lines.push(format!("drift:       {ppm:+.1} ppm"));
    }
    if let Some(held) = d.held_offset_ms {
        lines.push(format!(
            "held back:   a jump to {} (offset {:+.1} s) waits for confirmation",
            kunci::phone_clock(held, 0),
            held as f64 / 1000.0
        ));
    }
    if let Some(t) = &d.tampered {
        lines.push(format!("tampering:   {t}"));
    }
    if let Some(p) = &d.portal_check {
        lines.push(format!("portal:      {} — {}", p.url, p.message));
    }
    for s in &d.sources {
        let detail = match (&s.reason, s.offset_from_consensus_ms) {
            (Some(r), _) => r.clone(),
            (None, Some(off)) => format!("{:+.3} s from the agreed time", off as f64 / 1000.0),
            (None, None) => String::new(),
        };
        lines.push(format!(
            "source:      {} [{}] {}: {}",
            s.source,
            s.kind.as_deref().unwrap_or("-"),
            s.result,
            detail
        ));
    }
    lines.join("\n")
}

/// `kunci time check URL`: the portal's clock against trusted time.
pub fn check(out: &Output, app: &Kunci, url: &str) -> Result<Outcome, CliError> {
    let c = app
        .check_portal(url)
        .map_err(|e| CliError::bad_input(e.to_string()))?;
    out.emit(&c, || c.message.clone());
    Ok(match c.verdict {
        PortalVerdict::Unverified => Outcome::NothingFound,
        _ => Outcome::Done,
    })
}

/// The fixed seed of `kunci time serve --roughtime`: a test key, public on purpose (QA and tests
/// pin its public key; never a real server's).
const TEST_ROUGHTIME_SEED: [u8; 32] = *b"kunci roughtime TEST key, public";

pub fn serve_cmd(
    out: &Output,
    listen: &str,
    offset_seconds: f64,
    duration_seconds: Option<u64>,
    max_requests: Option<u64>,
    roughtime: bool,
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
    let keys = roughtime.then(|| std::sync::Arc::new(ServerKeys::from_seed(&TEST_ROUGHTIME_SEED)));
    let offset_ms = (offset_seconds * 1000.0).round() as i64;
    let listening = Listening {
        listening: addr.to_string(),
        protocol: if roughtime { "roughtime" } else { "ntp" },
        public_key: keys.as_ref().map(|k| base64_key(&k.public_key())),
        offset_ms,
        duration_s: duration_seconds,
        max_requests,
    };
    out.status(&listening, || listening.sentence());
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
        roughtime: keys,
        roughtime_radius_s: 1,
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
    .map_err(|e| CliError::from(KunciError::from(e)))?;
    out.status(
        &serde_json::json!({ "stopped": true, "requests": stats.requests }),
        || format!("stopped after {} request(s)", stats.requests),
    );
    Ok(Outcome::Done)
}

/// `time serve`'s first line: where it listens and, for Roughtime, the key to pin.
#[derive(Serialize)]
struct Listening {
    listening: String,
    protocol: &'static str,
    /// Base64 of the Roughtime test key (`--roughtime KEY@ADDRESS` of `time sync`).
    public_key: Option<String>,
    offset_ms: i64,
    duration_s: Option<u64>,
    max_requests: Option<u64>,
}

impl Listening {
    fn sentence(&self) -> String {
        let addr = &self.listening;
        let what = match &self.public_key {
            Some(k) => format!("Roughtime (test key {k})"),
            None => "NTP".to_string(),
        };
        let mut text = format!(
            "serving {what} on {addr} at wall clock {:+} s{}; Ctrl-C to stop",
            self.offset_ms as f64 / 1000.0,
            self.duration_s
                .map_or(String::new(), |d| format!(" for {d} s"))
        );
        if let Some(k) = &self.public_key {
            text.push_str(&format!(
                "\nsync with: kunci time sync --roughtime {k}@{addr}"
            ));
        }
        text
    }
}

fn base64_key(key: &[u8; 32]) -> String {
    kunci::public_key_base64(key)
}

/// `kunci code` with a vault (`--vault` or `KUNCI_VAULT`): the code on the vault's trusted time,
/// with one warning line on stderr when that time is not verified, saying how to fix it, so a
/// wrong code is never silent. (`--at` and the no-vault case are in code.rs.)
pub fn code_on_trusted_time(
    out: &Output,
    vault: &std::path::Path,
    uri: &str,
) -> Result<Outcome, CliError> {
    let app = crate::session::open(vault, SyncConfig::default())?;
    let now = app.now();
    let shown = code::show(out, uri, u64::try_from(now.unix_seconds()).unwrap_or(0))?;
    if code::is_time_based(uri) && kunci::needs_warning(&now) {
        eprintln!(
            "warning: the trusted time is {} ({}); the code may be wrong — run `kunci time sync`",
            now.status.as_str(),
            kunci::plus_minus(now.uncertainty_ms)
        );
    }
    Ok(shown)
}
