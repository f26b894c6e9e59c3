//! A skewed, optionally misbehaving NTP (or Roughtime) server for tests and QA
//! (`kunci time serve`).
//!
//! It answers with the given wall clock plus `offset_ms`, so an emulator pointed at it sees a
//! controlled time; the misbehaviours exercise each of the client's packet checks. Its lifetime
//! is bounded without reading a clock: it stops when the stop flag is set, after `max_requests`,
//! or once it has waited `max_idle` in total without a request.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::clock::WallClock;
use ed25519_dalek::{Signer, SigningKey};
use roughenough_protocol::cursor::ParseCursor;
use roughenough_protocol::request::Request;
use roughenough_protocol::response::Response;
use roughenough_protocol::tags::{
    Certificate, Delegation, MerklePath, MerkleRoot, PublicKey, Signature, SignedResponse,
    SupportedVersions,
};
use roughenough_protocol::wire::{FromFrame, ToFrame, ToWire};

use super::roughtime::{hash, LEAF_TWEAK, OFFERED};
use super::sntp::{ms_to_short, NtpTimestamp, Packet, MODE_SERVER};
use super::TimeError;

const SLICE: Duration = Duration::from_millis(20);

/// How the server misbehaves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Misbehaviour {
    /// A correct (if skewed) server.
    #[default]
    None,
    /// Never answers.
    Silent,
    /// Echoes a wrong origin timestamp (a blind spoofer).
    WrongOrigin,
    /// Sends a Kiss-o'-Death with this 4-letter code (RATE, DENY, RSTR, ...).
    KissOfDeath(String),
    /// Leap indicator 3 (unsynchronized).
    Leap3,
    /// Answers with this stratum (0 without a kiss code, 16, ...).
    Stratum(u8),
    ZeroTransmit,
    /// Reference timestamp a minute after the transmit timestamp.
    ReferenceAfterTransmit,
    /// Mode 3 instead of 4.
    WrongMode,
    /// Version 7.
    WrongVersion,
    /// Root dispersion of 5 s.
    HugeRootDistance,
    /// A truncated (20-byte) packet.
    Short,
    /// Answers the first request well, then sends Kiss-o'-Death RATE (a server that dislikes
    /// bursts).
    RateAfterFirst,
}

/// Options of [`serve`].
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub misbehaviour: Misbehaviour,
    /// Stratum of normal answers (default 2 when 0).
    pub stratum: u8,
    pub root_delay_ms: u64,
    pub root_dispersion_ms: u64,
    /// Stop after waiting this long in total without a request (`None`: no limit).
    pub max_idle: Option<Duration>,
    /// Stop after this many requests (`None`: no limit).
    pub max_requests: Option<u64>,
    /// Stop when this becomes true (checked every 20 ms).
    pub stop: Option<Arc<AtomicBool>>,
    /// Serve Roughtime signed with these keys instead of NTP.
    pub roughtime: Option<Arc<ServerKeys>>,
    /// The radius (RADI) of Roughtime answers, in seconds (at least 1).
    pub roughtime_radius_s: u32,
}

/// One request the server saw and what it did (for `kunci time serve` to print).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRequest {
    pub peer: SocketAddr,
    /// The UTC it answered with (wall + offset), or `None` if it stayed silent.
    pub answered_utc_ms: Option<i64>,
    pub misbehaviour: Misbehaviour,
}

/// Totals when the server stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServeStats {
    pub requests: u64,
    pub answered: u64,
}

/// Serves NTP (or Roughtime, when `options.roughtime` holds keys) on `socket` with
/// `wall.now_ms() + offset_ms` until a bound in `options` is hit.
pub fn serve(
    socket: UdpSocket,
    offset_ms: i64,
    wall: &dyn WallClock,
    options: &ServeOptions,
    on_request: &mut dyn FnMut(&ServedRequest),
) -> Result<ServeStats, TimeError> {
    let mut answer = |bytes: &[u8], peer: SocketAddr, requests: u64| {
        let receive_ms = wall.now_ms().saturating_add(offset_ms);
        if let Some(keys) = &options.roughtime {
            let reply = keys.respond(bytes, receive_ms, options.roughtime_radius_s.max(1))?;
            return Some((Some(reply), served(peer, Some(receive_ms), options)));
        }
        let request = Packet::decode(bytes)?;
        let transmit_ms = wall.now_ms().saturating_add(offset_ms).max(receive_ms);
        let reply = ntp_reply(&request, receive_ms, transmit_ms, requests, options);
        let answered = reply.is_some().then_some(receive_ms);
        Some((reply, served(peer, answered, options)))
    };
    serve_datagrams(&socket, options, &mut answer, on_request)
}

fn served(peer: SocketAddr, answered_utc_ms: Option<i64>, options: &ServeOptions) -> ServedRequest {
    ServedRequest {
        peer,
        answered_utc_ms,
        misbehaviour: options.misbehaviour.clone(),
    }
}

/// The receive loop shared by both protocols: waits in short slices (so the stop flag and the
/// idle bound take effect), counts requests, sends what `answer` returns. `answer` gets the
/// datagram, the peer and the number of requests so far (this one included); `None` means "not
/// a request" (ignored, not counted).
type Answer = Option<(Option<Vec<u8>>, ServedRequest)>;

fn serve_datagrams(
    socket: &UdpSocket,
    options: &ServeOptions,
    answer: &mut dyn FnMut(&[u8], SocketAddr, u64) -> Answer,
    on_request: &mut dyn FnMut(&ServedRequest),
) -> Result<ServeStats, TimeError> {
    let net = |e: std::io::Error| TimeError::Network {
        reason: e.to_string(),
    };
    socket.set_read_timeout(Some(SLICE)).map_err(net)?;
    let max_idle_slices = options
        .max_idle
        .map(|d| (d.as_millis() / SLICE.as_millis()).max(1));
    let mut idle_slices = 0u128;
    let mut stats = ServeStats::default();
    let mut buf = [0u8; 2048];
    loop {
        if options
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::SeqCst))
            || options.max_requests.is_some_and(|m| stats.requests >= m)
            || max_idle_slices.is_some_and(|m| idle_slices >= m)
        {
            return Ok(stats);
        }
        let (n, peer) = match socket.recv_from(&mut buf) {
            Ok(v) => v,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                idle_slices += 1;
                continue;
            }
            Err(e) => return Err(net(e)),
        };
        let Some((reply, served)) = answer(buf.get(..n).unwrap_or(&[]), peer, stats.requests + 1)
        else {
            continue;
        };
        stats.requests += 1;
        if let Some(bytes) = reply {
            socket.send_to(&bytes, peer).map_err(net)?;
            stats.answered += 1;
            idle_slices = 0;
        }
        on_request(&served);
    }
}

/// The NTP reply to `request`, misbehaving as asked (`None`: stay silent).
fn ntp_reply(
    request: &Packet,
    receive_ms: i64,
    transmit_ms: i64,
    requests: u64,
    options: &ServeOptions,
) -> Option<Vec<u8>> {
    let mut reply = Packet {
        leap: 0,
        version: request.version.clamp(3, 4),
        mode: MODE_SERVER,
        stratum: if options.stratum == 0 {
            2
        } else {
            options.stratum
        },
        poll: request.poll,
        precision: -20,
        root_delay: ms_to_short(options.root_delay_ms),
        root_dispersion: ms_to_short(options.root_dispersion_ms),
        reference_id: [127, 0, 0, 1],
        reference: NtpTimestamp::from_unix_ms(receive_ms.saturating_sub(16_000)),
        origin: request.transmit,
        receive: NtpTimestamp::from_unix_ms(receive_ms),
        transmit: NtpTimestamp::from_unix_ms(transmit_ms),
    };
    let mut len = reply.encode().len();
    match &options.misbehaviour {
        Misbehaviour::None => {}
        Misbehaviour::Silent => return None,
        Misbehaviour::WrongOrigin => reply.origin = NtpTimestamp(request.transmit.0 ^ 1),
        Misbehaviour::KissOfDeath(code) => {
            reply.stratum = 0;
            reply.leap = 3;
            let mut id = [b' '; 4];
            for (d, s) in id.iter_mut().zip(code.bytes()) {
                *d = s;
            }
            reply.reference_id = id;
        }
        Misbehaviour::Leap3 => reply.leap = 3,
        Misbehaviour::Stratum(s) => reply.stratum = *s,
        Misbehaviour::ZeroTransmit => reply.transmit = NtpTimestamp(0),
        Misbehaviour::ReferenceAfterTransmit => {
            reply.reference = NtpTimestamp::from_unix_ms(transmit_ms.saturating_add(60_000))
        }
        Misbehaviour::WrongMode => reply.mode = 3,
        Misbehaviour::WrongVersion => reply.version = 7,
        Misbehaviour::HugeRootDistance => reply.root_dispersion = ms_to_short(5_000),
        Misbehaviour::Short => len = 20,
        Misbehaviour::RateAfterFirst if requests > 1 => {
            reply.stratum = 0;
            reply.leap = 3;
            reply.reference_id = *b"RATE";
        }
        Misbehaviour::RateAfterFirst => {}
    }
    let bytes = reply.encode();
    Some(bytes.get(..len).unwrap_or(&bytes).to_vec())
}

/// A fake server on 127.0.0.1 in its own thread, stopped when dropped (tests, benches, demos).
pub struct FakeNtpServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Result<ServeStats, TimeError>>>,
}

impl FakeNtpServer {
    /// Starts a server answering `wall + offset_ms`, misbehaving as asked. It also stops by
    /// itself after 60 s without requests, so a forgotten server cannot outlive a test run.
    pub fn spawn(
        wall: Arc<dyn WallClock>,
        offset_ms: i64,
        misbehaviour: Misbehaviour,
    ) -> Result<Self, TimeError> {
        Self::spawn_with(
            wall,
            offset_ms,
            ServeOptions {
                misbehaviour,
                ..ServeOptions::default()
            },
        )
    }

    /// A Roughtime server answering `wall + offset_ms`, signed with `keys`.
    #[cfg(feature = "testkit")]
    pub fn spawn_roughtime(
        wall: Arc<dyn WallClock>,
        offset_ms: i64,
        keys: ServerKeys,
    ) -> Result<Self, TimeError> {
        Self::spawn_with(
            wall,
            offset_ms,
            ServeOptions {
                roughtime: Some(Arc::new(keys)),
                roughtime_radius_s: 1,
                ..ServeOptions::default()
            },
        )
    }

    /// Starts a server with these options (the idle bound and stop flag are added).
    pub fn spawn_with(
        wall: Arc<dyn WallClock>,
        offset_ms: i64,
        options: ServeOptions,
    ) -> Result<Self, TimeError> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| TimeError::Network {
            reason: e.to_string(),
        })?;
        let addr = socket.local_addr().map_err(|e| TimeError::Network {
            reason: e.to_string(),
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        let options = ServeOptions {
            max_idle: Some(Duration::from_secs(60)),
            stop: Some(stop.clone()),
            ..options
        };
        let handle =
            std::thread::spawn(move || serve(socket, offset_ms, &*wall, &options, &mut |_| {}));
        Ok(FakeNtpServer {
            addr,
            stop,
            handle: Some(handle),
        })
    }

    /// `127.0.0.1:PORT`, as a server name for [`super::SyncConfig`].
    pub fn name(&self) -> String {
        self.addr.to_string()
    }

    /// Stops the server and returns its totals.
    pub fn stop(mut self) -> Option<ServeStats> {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.take()?.join().ok()?.ok()
    }
}

impl Drop for FakeNtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// A Roughtime server's keys, for `kunci time serve --roughtime` and tests: a long-term key from
/// a seed, and an online key it delegates to.
pub struct ServerKeys {
    long_term: SigningKey,
    online: SigningKey,
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKeys")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl ServerKeys {
    /// Deterministic keys from a 32-byte seed (test servers only: the seed is the secret).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let long_term = SigningKey::from_bytes(seed);
        let online_seed = hash(2, &[seed.as_slice(), b"online"]);
        ServerKeys {
            long_term,
            online: SigningKey::from_bytes(&online_seed),
        }
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.long_term.verifying_key().to_bytes()
    }

    /// The answer to a framed request at UTC `now_ms` (`None` for something that is not a
    /// request). One request per tree: the root is our leaf, the path is empty.
    pub fn respond(&self, request_bytes: &[u8], now_ms: i64, radius_s: u32) -> Option<Vec<u8>> {
        let mut copy = request_bytes.to_vec();
        let req = Request::from_frame(&mut ParseCursor::new(&mut copy)).ok()?;
        let version = OFFERED
            .iter()
            .rev()
            .find(|v| req.ver().is_supported(**v))
            .copied()?;
        let now_s = u64::try_from(now_ms.div_euclid(1000)).ok()?;
        let mut dele = Delegation::new(
            PublicKey::from(self.online.verifying_key().to_bytes()),
            now_s.saturating_sub(86_400),
            Duration::from_secs(2 * 86_400),
        );
        dele.set_mint(now_s.saturating_sub(86_400));
        let dele_bytes = dele.as_bytes().ok()?;
        let dele_sig = self
            .long_term
            .sign(&[version.dele_prefix(), &dele_bytes].concat());
        let mut srep = SignedResponse::default();
        srep.set_ver(version);
        srep.set_radi(radius_s);
        srep.set_midp(now_s);
        srep.set_vers(&SupportedVersions::new(&OFFERED));
        srep.set_root(&MerkleRoot::from(hash(LEAF_TWEAK, &[request_bytes])));
        let srep_bytes = srep.as_bytes().ok()?;
        let srep_sig = self
            .online
            .sign(&[version.srep_prefix(), &srep_bytes].concat());
        let mut response = Response::default();
        response.set_sig(Signature::from(srep_sig.to_bytes()));
        response.set_nonc(*req.nonc());
        response.set_path(MerklePath::default());
        response.set_srep(srep);
        response.set_cert(Certificate::new(Signature::from(dele_sig.to_bytes()), dele));
        response.set_indx(0);
        response.as_frame_bytes().ok()
    }
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
