//! Time sources: NTP servers over UDP and HTTP(S) `Date` headers, queried in parallel.
//!
//! Each NTP server gets its own scoped thread and socket and 2–3 requests; the reply with the
//! best round trip is kept. Waiting is bounded without reading a clock: sockets wait in short
//! slices and each thread counts them. Once enough servers have answered to decide (a quorum
//! and a majority of all queried), the rest get a short grace period instead of their full
//! timeout, so a silent server costs ~0.3 s instead of 2 s.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use super::clock::BootClock;
use super::consensus::Interval;
use super::roughtime::RoughtimeServer;
use super::sample::{resolve, udp_socket, Sample, SourceKind, SourceResult};
use super::sntp::{check_reply, NtpTimestamp, Packet, Rejection, ReplyContext};
use super::PlatformError;

/// The servers a sync asks by default (overridable in [`SyncConfig`]): several operators, so
/// that no single one decides the time.
pub const DEFAULT_NTP_SERVERS: [&str; 5] = [
    "time.google.com",
    "time.cloudflare.com",
    "time.apple.com",
    "id.pool.ntp.org",
    "time.windows.com",
];

/// HTTPS hosts whose `Date` header is a time source by default: with UDP port 123 blocked
/// (common on office and government networks) these alone reach the quorum. Five operators,
/// each running its own edge network and its own clocks, so no single company decides the time
/// (docs/trusted-time.md says why each). `HEAD /` is answered with a `Date` by each.
pub const DEFAULT_HTTPS_URLS: [&str; 5] = [
    "https://www.google.com/",
    "https://www.cloudflare.com/",
    "https://www.apple.com/",
    "https://www.microsoft.com/",
    "https://www.amazon.com/",
];

/// Every NTP interval is widened by this much on each side. Public servers disagree by
/// 100–300 ms (asymmetric mobile routes, a pool member with a poor upstream) while a one-time
/// code only needs about a second: with ±500 ms, any two sources within 1 s of each other share
/// a point and agree, and the agreed time is still well inside a 30 s step.
pub const NTP_FLOOR_MS: u64 = 500;
/// A source further than this from the agreed time is named an outlier (with its distance);
/// between 1 s and this it merely disagrees.
pub const OUTLIER_MS: u64 = 5_000;

/// Granularity of all waiting: a socket read never blocks longer than this, so cancellation and
/// grace periods take effect within one slice.
const SLICE_MS: u64 = 20;
/// Unsolicited packets (wrong origin or address) tolerated per server before giving up: a flood
/// of garbage must not keep a query alive forever.
const MAX_IGNORED_PACKETS: u32 = 16;

/// How a sync queries and judges its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// `host`, `host:port`, `ip` or `[v6]:port`; port 123 by default.
    pub ntp_servers: Vec<String>,
    /// URLs whose `Date` header is a time source (through [`HttpsDate`]).
    pub https_urls: Vec<String>,
    /// Roughtime servers (authenticated time: each answer is signed by a pinned key).
    pub roughtime_servers: Vec<RoughtimeServer>,
    /// Minimum number of agreeing sources (QA with one local server uses 1).
    pub quorum: usize,
    pub requests_per_server: u32,
    /// Total time one server may take, over all its requests.
    pub server_timeout_ms: u64,
    /// Once a decision is possible, how long the stragglers still get (at least twice the
    /// slowest round trip seen).
    pub straggler_grace_ms: u64,
    pub max_rtt_ms: u64,
    pub max_root_distance_ms: u64,
    /// Added to every interval: boot-clock granularity and scheduling jitter.
    pub margin_ms: u64,
    /// Added to every NTP interval (see [`NTP_FLOOR_MS`]).
    pub ntp_floor_ms: u64,
    /// Beyond this distance from the agreed time a source is an outlier.
    pub outlier_ms: u64,
    /// Net forward movement allowed per boot without an authenticated source (plus 200 ppm of
    /// the time since the boot's first sync, the worst honest drift).
    pub forward_cap_ms: u64,
    /// A result differing from the anchor's prediction by more than both uncertainties plus this
    /// is quarantined.
    pub quarantine_tolerance_ms: u64,
    /// A quarantined result is confirmed by an agreeing sync at least this much later.
    pub confirm_after_ms: u64,
    /// Drift is measured between syncs of one boot at least this far apart.
    pub drift_min_interval_ms: u64,
    /// NTP seconds are read as the first time at or after this (the 2036 era choice).
    pub era_floor_unix_ms: i64,
    /// Uncertainty above which a synced clock is reported as Drifting.
    pub drifting_above_ms: u64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            ntp_servers: DEFAULT_NTP_SERVERS.iter().map(|s| s.to_string()).collect(),
            https_urls: DEFAULT_HTTPS_URLS.iter().map(|s| s.to_string()).collect(),
            roughtime_servers: super::roughtime::default_servers(),
            quorum: 3,
            requests_per_server: 3,
            server_timeout_ms: 2_000,
            straggler_grace_ms: 250,
            max_rtt_ms: 1_500,
            max_root_distance_ms: 1_000,
            margin_ms: 25,
            ntp_floor_ms: NTP_FLOOR_MS,
            outlier_ms: OUTLIER_MS,
            forward_cap_ms: 5_000,
            quarantine_tolerance_ms: 2_000,
            confirm_after_ms: 5 * 60_000,
            drift_min_interval_ms: 4 * 3_600_000,
            era_floor_unix_ms: super::sntp::DEFAULT_ERA_FLOOR_UNIX_MS,
            drifting_above_ms: 2_000,
        }
    }
}

/// The platform's HTTPS client (OkHttp / URLSession), used for `Date` headers. The core measures
/// the round trip on the boot clock around the call.
pub trait HttpsDate: Send + Sync {
    /// The value of the `Date` header of a response from `url`.
    fn fetch_date(&self, url: String) -> Result<String, PlatformError>;
    /// Whether the response for `url` came over verified TLS (an authenticated source, which
    /// may confirm a quarantined result).
    fn is_authenticated(&self, url: String) -> bool;
}

/// Coordination between the query threads.
struct Race {
    total: usize,
    quorum: usize,
    answered: AtomicUsize,
    decided: AtomicBool,
    max_rtt_ms: AtomicU64,
}

impl Race {
    fn answered(&self, rtt_ms: u64) {
        self.max_rtt_ms.fetch_max(rtt_ms, Ordering::SeqCst);
        let n = self.answered.fetch_add(1, Ordering::SeqCst) + 1;
        if n >= self.quorum.max(1) && n * 2 > self.total {
            self.decided.store(true, Ordering::SeqCst);
        }
    }
    fn grace_slices(&self, config: &SyncConfig) -> u64 {
        let rtt = self.max_rtt_ms.load(Ordering::SeqCst).saturating_mul(2);
        config.straggler_grace_ms.max(rtt).div_ceil(SLICE_MS).max(1)
    }
}

/// Who a sync asks, each with its place in the results: NTP servers not backing off (the
/// others already have their result), the HTTPS URLs when there is a client, Roughtime servers.
struct Plan<'a> {
    results: Vec<Option<SourceResult>>,
    names: Vec<String>,
    ntp: Vec<(usize, String)>,
    http: Vec<(usize, String)>,
    roughtime: Vec<(usize, &'a RoughtimeServer)>,
}

fn plan<'a>(
    config: &'a SyncConfig,
    has_https: bool,
    skip: &dyn Fn(&str) -> Option<Rejection>,
) -> Plan<'a> {
    let urls: &[String] = if has_https { &config.https_urls } else { &[] };
    let mut p = Plan {
        results: Vec::new(),
        names: Vec::new(),
        ntp: Vec::new(),
        http: Vec::new(),
        roughtime: Vec::new(),
    };
    for s in &config.ntp_servers {
        p.names.push(s.clone());
        match skip(s) {
            Some(r) => p.results.push(Some(SourceResult {
                source: s.clone(),
                outcome: Err(r),
            })),
            None => {
                p.ntp.push((p.results.len(), s.clone()));
                p.results.push(None);
            }
        }
    }
    for u in urls {
        p.names.push(u.clone());
        p.http.push((p.results.len(), u.clone()));
        p.results.push(None);
    }
    for server in &config.roughtime_servers {
        p.names.push(server.address.clone());
        p.roughtime.push((p.results.len(), server));
        p.results.push(None);
    }
    p
}

/// Queries every configured source in parallel and returns one result per source, in order.
/// `skip` gives sources not to ask this time (backing off), with the reason to report.
pub fn query_sources(
    config: &SyncConfig,
    https: Option<&dyn HttpsDate>,
    boot: &dyn BootClock,
    skip: &dyn Fn(&str) -> Option<Rejection>,
) -> Vec<SourceResult> {
    let Plan {
        mut results,
        names,
        ntp: ask_ntp,
        http: ask_http,
        roughtime: ask_rt,
    } = plan(config, https.is_some(), skip);
    let race = Race {
        total: ask_ntp.len() + ask_http.len() + ask_rt.len(),
        quorum: config.quorum,
        answered: AtomicUsize::new(0),
        decided: AtomicBool::new(false),
        max_rtt_ms: AtomicU64::new(0),
    };
    let race = &race;
    let answers: Vec<(usize, SourceResult)> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (i, server) in ask_ntp {
            handles.push(scope.spawn(move || {
                let outcome = query_ntp(&server, config, boot, race);
                (
                    i,
                    SourceResult {
                        source: server,
                        outcome,
                    },
                )
            }));
        }
        for (i, server) in ask_rt {
            handles.push(scope.spawn(move || {
                let outcome = super::roughtime::query(server, config.server_timeout_ms, boot);
                if let Ok(s) = &outcome {
                    race.answered(s.rtt_ms);
                }
                (
                    i,
                    SourceResult {
                        source: server.address.clone(),
                        outcome,
                    },
                )
            }));
        }
        if let Some(client) = https {
            for (i, url) in ask_http {
                handles.push(scope.spawn(move || {
                    let outcome = query_http_date(&url, client, config, boot);
                    if let Ok(s) = &outcome {
                        race.answered(s.rtt_ms);
                    }
                    (
                        i,
                        SourceResult {
                            source: url,
                            outcome,
                        },
                    )
                }));
            }
        }
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    for (i, r) in answers {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    // A thread that panicked left its slot empty: the source is reported, never dropped.
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| SourceResult {
                source: names.get(i).cloned().unwrap_or_default(),
                outcome: Err(Rejection::Network {
                    reason: "the query thread failed".into(),
                }),
            })
        })
        .collect()
}

fn query_ntp(
    server: &str,
    config: &SyncConfig,
    boot: &dyn BootClock,
    race: &Race,
) -> Result<Sample, Rejection> {
    let addr = resolve(server)?;
    let net = |e: std::io::Error| Rejection::Network {
        reason: e.to_string(),
    };
    let socket = udp_socket(addr, SLICE_MS)?;
    let requests = u64::from(config.requests_per_server.max(1));
    let per_request_slices = (config.server_timeout_ms / requests)
        .div_ceil(SLICE_MS)
        .max(1);
    let mut best: Option<Sample> = None;
    let mut last: Option<Rejection> = None;
    let mut ignored = 0u32;
    let mut grace: Option<u64> = None;
    let mut buf = [0u8; 512];
    'requests: for _ in 0..requests {
        let origin = NtpTimestamp(rand::random::<u64>() | 1);
        let request = Packet::request(origin).encode();
        let sent = request_context(config, origin, addr, boot.elapsed_ms());
        if let Err(e) = socket.send_to(&request, addr) {
            last = Some(net(e));
            break;
        }
        let mut slices = per_request_slices;
        loop {
            if grace.is_none() && race.decided.load(Ordering::SeqCst) {
                grace = Some(race.grace_slices(config));
            }
            if grace == Some(0) {
                if best.is_none() {
                    last = Some(Rejection::GaveUpAfterQuorum);
                }
                break 'requests;
            }
            match socket.recv_from(&mut buf) {
                Ok((n, from)) => {
                    let ctx = ReplyContext {
                        received_from: from,
                        t4_boot_ms: boot.elapsed_ms(),
                        ..sent
                    };
                    match hear(buf.get(..n).unwrap_or(&[]), &ctx, config) {
                        Heard::Answer(sample) => {
                            if best.is_none() {
                                race.answered(sample.rtt_ms);
                            }
                            if best.is_none_or(|b| sample.rtt_ms < b.rtt_ms) {
                                best = Some(sample);
                            }
                            continue 'requests;
                        }
                        Heard::Stray(r) => {
                            last = Some(r);
                            ignored += 1;
                            if ignored > MAX_IGNORED_PACKETS {
                                break 'requests;
                            }
                        }
                        // If an earlier request already got a good answer (the server only
                        // minds our burst), keep that answer: we stop asking either way.
                        Heard::Kiss(r) => return best.ok_or(r),
                        Heard::Bad(r) => {
                            last = Some(r);
                            continue 'requests;
                        }
                    }
                }
                Err(e) if timed_out(&e) => {
                    if let Some(g) = grace.as_mut() {
                        *g -= 1;
                    }
                    slices -= 1;
                    if slices == 0 {
                        if last.is_none() {
                            last = Some(Rejection::NoAnswer {
                                waited_ms: config.server_timeout_ms,
                            });
                        }
                        continue 'requests;
                    }
                }
                Err(e) => {
                    last = Some(net(e));
                    break 'requests;
                }
            }
        }
    }
    best.ok_or(last.unwrap_or(Rejection::NoAnswer {
        waited_ms: config.server_timeout_ms,
    }))
}

/// A read that waited its slice out (no packet yet), as opposed to a network error.
fn timed_out(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// What is known of a request when it is sent; the reply fills in where it came from and when.
fn request_context(
    config: &SyncConfig,
    origin: NtpTimestamp,
    addr: std::net::SocketAddr,
    t1_boot_ms: u64,
) -> ReplyContext {
    ReplyContext {
        origin,
        sent_to: addr,
        received_from: addr,
        t1_boot_ms,
        t4_boot_ms: t1_boot_ms,
        era_floor_unix_ms: config.era_floor_unix_ms,
        max_root_distance_ms: config.max_root_distance_ms,
        max_rtt_ms: config.max_rtt_ms,
    }
}

/// What one received packet means for the conversation with an NTP server.
enum Heard {
    /// A valid answer to this request.
    Answer(Sample),
    /// Not an answer to this request (a stale reply to an earlier one, or a spoofer): keep
    /// listening, but not forever.
    Stray(Rejection),
    /// A genuine Kiss-o'-Death: the conversation ends at once.
    Kiss(Rejection),
    /// A bad answer: try the next request.
    Bad(Rejection),
}

fn hear(bytes: &[u8], ctx: &ReplyContext, config: &SyncConfig) -> Heard {
    match check_reply(bytes, ctx) {
        Ok(s) => Heard::Answer(Sample {
            offset_ms: s.offset_ms,
            half_width_ms: ntp_half_width(&s, config),
            rtt_ms: s.rtt_ms,
            kind: SourceKind::Ntp,
        }),
        Err(r @ (Rejection::WrongOrigin | Rejection::WrongAddress { .. })) => Heard::Stray(r),
        Err(r @ Rejection::KissOfDeath { .. }) => Heard::Kiss(r),
        Err(r) => Heard::Bad(r),
    }
}

/// The honest error of an NTP answer: half the round trip (the path may be asymmetric), the
/// server's own root distance, the floor that lets servers within a second agree
/// ([`NTP_FLOOR_MS`]) and the boot-clock margin.
pub fn ntp_half_width(s: &super::sntp::NtpSample, config: &SyncConfig) -> u64 {
    s.rtt_ms
        .div_ceil(2)
        .saturating_add(s.root_delay_ms.div_ceil(2))
        .saturating_add(s.root_dispersion_ms)
        .saturating_add(config.ntp_floor_ms)
        .saturating_add(config.margin_ms)
}

/// Parses an HTTP `Date` header (IMF-fixdate, RFC 7231) to Unix ms.
pub fn parse_http_date(value: &str) -> Option<i64> {
    let dt = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(dt.timestamp_millis())
}

fn query_http_date(
    url: &str,
    client: &dyn HttpsDate,
    config: &SyncConfig,
    boot: &dyn BootClock,
) -> Result<Sample, Rejection> {
    let t1 = boot.elapsed_ms();
    let value = client
        .fetch_date(url.to_string())
        .map_err(|e| Rejection::Http {
            reason: e.to_string(),
        })?;
    let t4 = boot.elapsed_ms();
    let authenticated = client.is_authenticated(url.to_string());
    http_sample(&value, t1, t4, authenticated, config)
}

/// The interval an HTTP `Date` gives: the header is truncated to the second and was generated
/// somewhere between T1 and T4, so UTC − boot lies in [D − T4, D + 1000 − T1].
pub fn http_sample(
    date: &str,
    t1_boot_ms: u64,
    t4_boot_ms: u64,
    authenticated: bool,
    config: &SyncConfig,
) -> Result<Sample, Rejection> {
    let d = parse_http_date(date).ok_or_else(|| Rejection::BadHttpDate {
        value: date.chars().take(64).collect(),
    })?;
    let rtt_ms = t4_boot_ms
        .checked_sub(t1_boot_ms)
        .ok_or(Rejection::BadTimestamps)?;
    if rtt_ms > config.max_rtt_ms {
        return Err(Rejection::RttTooLong {
            rtt_ms,
            limit_ms: config.max_rtt_ms,
        });
    }
    let t1 = i64::try_from(t1_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let t4 = i64::try_from(t4_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let lo = d.checked_sub(t4).ok_or(Rejection::BadTimestamps)?;
    let hi = d
        .checked_add(1000)
        .and_then(|v| v.checked_sub(t1))
        .ok_or(Rejection::BadTimestamps)?;
    let iv = Interval {
        lo_ms: lo,
        hi_ms: hi,
    };
    Ok(Sample {
        offset_ms: iv.midpoint(),
        half_width_ms: iv.half_width().saturating_add(config.margin_ms),
        rtt_ms,
        kind: SourceKind::Http { authenticated },
    })
}

/// A plain-HTTP `Date` client for the CLI and tests (no TLS, so never an authenticated source).
#[derive(Debug, Clone, Copy)]
pub struct PlainHttpDate {
    pub timeout_ms: u64,
}

impl Default for PlainHttpDate {
    fn default() -> Self {
        PlainHttpDate { timeout_ms: 2_000 }
    }
}

impl HttpsDate for PlainHttpDate {
    fn fetch_date(&self, url: String) -> Result<String, PlatformError> {
        // The platform trait carries a sentence; `query_http_date` files it as an HTTP failure,
        // so that prefix is not repeated here.
        http_date_header(&url, self.timeout_ms).map_err(|r| PlatformError::Failed {
            reason: match r {
                Rejection::Http { reason } => reason,
                other => other.to_string(),
            },
        })
    }
    fn is_authenticated(&self, _url: String) -> bool {
        false
    }
}

/// Sends `HEAD` over plain HTTP/1.1 and returns the `Date` header.
fn http_date_header(url: &str, timeout_ms: u64) -> Result<String, Rejection> {
    let http = |reason: String| Rejection::Http { reason };
    let net = |e: std::io::Error| Rejection::Network {
        reason: e.to_string(),
    };
    let u = url::Url::parse(url).map_err(|e| http(format!("bad URL: {e}")))?;
    if u.scheme() != "http" {
        return Err(http(format!(
            "only http:// URLs are supported here, not {}://",
            u.scheme()
        )));
    }
    let host = u.host_str().ok_or_else(|| http("URL has no host".into()))?;
    let port = u.port_or_known_default().unwrap_or(80);
    let timeout = Duration::from_millis(timeout_ms.max(1));
    let addr = (host.trim_matches(['[', ']']), port)
        .to_socket_addrs()
        .map_err(|e| Rejection::Resolve {
            reason: format!("{host}: {e}"),
        })?
        .next()
        .ok_or_else(|| Rejection::Resolve {
            reason: format!("no address for {host}"),
        })?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(net)?;
    stream.set_read_timeout(Some(timeout)).map_err(net)?;
    stream.set_write_timeout(Some(timeout)).map_err(net)?;
    let path = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    let host_header = match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let request = format!(
        "HEAD {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: kunci\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(net)?;
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut chunk).map_err(net)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
    date_header(&String::from_utf8_lossy(&head))
}

/// The `Date` header of an HTTP/1.x response head.
fn date_header(head: &str) -> Result<String, Rejection> {
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("");
    if !status.starts_with("HTTP/1.") {
        return Err(Rejection::Http {
            reason: "not an HTTP response".into(),
        });
    }
    lines
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("date")
                .then(|| value.trim().to_string())
        })
        .ok_or_else(|| Rejection::Http {
            reason: "the response has no Date header".into(),
        })
}

#[cfg(test)]
#[path = "sources_tests.rs"]
mod tests;
