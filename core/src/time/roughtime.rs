//! Roughtime (RFC 10049, and the 0x8000000c draft many servers still speak): authenticated time.
//!
//! An NTP or plain HTTP answer can be forged by anyone on the network path; a Roughtime answer is
//! signed. The server's long-term Ed25519 key (pinned here) signs a delegation (DELE) to an
//! online key, which signs the response (SREP): the time (MIDP ± RADI) and the root of a Merkle
//! tree whose leaves are the requests it answered. Our request carries a fresh random nonce, so
//! an answer whose proof does not lead from *our* request to that root is replayed or forged.
//!
//! The wire format comes from `roughenough-protocol`; signatures from `ed25519-dalek`; only the
//! checks are ours (the one-leaf answer of `kunci time serve --roughtime` is in [`super::server`]).

use ed25519_dalek::{Verifier, VerifyingKey};
use roughenough_protocol::cursor::ParseCursor;
use roughenough_protocol::request::Request;
use roughenough_protocol::response::Response;
use roughenough_protocol::tags::{MerklePath, Nonce, ProtocolVersion, Signature};
use roughenough_protocol::wire::{FromFrame, ToFrame, ToWire};
use sha2::{Digest, Sha512};

use super::clock::BootClock;
use super::sample::{resolve, udp_socket, Sample, SourceKind};
use super::sntp::Rejection;
use super::TimeError;

/// A Roughtime server: where it is and the long-term public key its answers must chain to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoughtimeServer {
    /// `host:port`.
    pub address: String,
    pub public_key: [u8; 32],
}

impl RoughtimeServer {
    /// `KEY@host:port`, the key in standard base64 (as servers publish it).
    pub fn parse(spec: &str) -> Result<Self, TimeError> {
        let bad = |reason: String| TimeError::BadAddress {
            address: spec.chars().take(120).collect(),
            reason,
        };
        let (key, address) = spec.split_once('@').ok_or_else(|| {
            bad("a Roughtime server is written KEY@host:port (KEY in base64)".into())
        })?;
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, key)
            .map_err(|e| bad(format!("the Roughtime key is not base64: {e}")))?;
        let public_key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| bad("a Roughtime key is 32 bytes".into()))?;
        Ok(RoughtimeServer {
            address: address.to_string(),
            public_key,
        })
    }

    fn pinned(address: &str, key_b64: &str) -> Option<Self> {
        RoughtimeServer::parse(&format!("{key_b64}@{address}")).ok()
    }
}

/// The public servers whose keys we pin. Each key was copied from the operator's own page:
/// - Cloudflare: developers.cloudflare.com/time-services/roughtime/usage/ ("getroughtime -ping
///   roughtime.cloudflare.com:2003 -pubkey 0GD7c3…").
/// - Sturdy Statistics: roughtime.sturdystatistics.com ("Port 2002, Public Key NqIjwL…", also
///   published as a DNS TXT record).
/// - int08h (the roughenough author's server, roughtime.int08h.com:2002): the key printed with the
///   RFC test vectors in roughenough-protocol's testdata/README.md.
pub fn default_servers() -> Vec<RoughtimeServer> {
    [
        (
            "roughtime.cloudflare.com:2003",
            "0GD7c3yP8xEc4Zl2zeuN2SlLvDVVocjsPSL8/Rl/7zg=",
        ),
        (
            "roughtime.sturdystatistics.com:2002",
            "NqIjwLopQn6yQChtE21Mb97dAbAPe5UOuTa0tOakgD8=",
        ),
        (
            "roughtime.int08h.com:2002",
            "AW5uAoTSTDfG5NfY1bTh08GUnOqlRb+HVhbJ3ODJvsE=",
        ),
    ]
    .iter()
    .filter_map(|(a, k)| RoughtimeServer::pinned(a, k))
    .collect()
}

/// A public key as servers publish it (standard base64).
pub fn public_key_base64(key: &[u8; 32]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, key)
}

/// The versions we offer, ascending as the RFC requires: version 1 and the last draft.
pub(super) const OFFERED: [ProtocolVersion; 2] = [ProtocolVersion::RFC, ProtocolVersion::DRAFT];
pub(super) const LEAF_TWEAK: u8 = 0;
const NODE_TWEAK: u8 = 1;

/// SHA-512 truncated to 32 bytes, over a tweak byte and the data (the Roughtime Merkle hash).
pub(super) fn hash(tweak: u8, parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha512::new();
    h.update([tweak]);
    for p in parts {
        h.update(p);
    }
    let full = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(full.get(..32).unwrap_or(&[0u8; 32]));
    out
}

/// A framed request with this nonce.
pub fn request(nonce: &[u8; 32]) -> Vec<u8> {
    let req = Request::new_with_versions(&Nonce::from(*nonce), &OFFERED);
    req.as_frame_bytes().unwrap_or_default()
}

/// What a verified answer says: true UTC (ms) was within `midpoint_ms ± radius_ms` when it was
/// signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub midpoint_ms: i64,
    pub radius_ms: u64,
}

fn malformed(reason: impl std::fmt::Display) -> Rejection {
    Rejection::RoughtimeMalformed {
        reason: reason.to_string(),
    }
}

fn bad_signature(reason: &str) -> Rejection {
    Rejection::BadSignature {
        reason: reason.to_string(),
    }
}

/// Every check of an answer to `request_bytes` (sent with `nonce`) against the pinned key:
/// the delegation is signed by the long-term key, the response by the delegated key, our
/// request is a leaf of the signed Merkle root, and the time lies in the delegation's validity.
pub fn verify(
    request_bytes: &[u8],
    nonce: &[u8; 32],
    answer: &[u8],
    public_key: &[u8; 32],
) -> Result<Verified, Rejection> {
    let mut buf = answer.to_vec();
    let response = Response::from_frame(&mut ParseCursor::new(&mut buf)).map_err(malformed)?;
    let long_term = VerifyingKey::from_bytes(public_key)
        .map_err(|_| bad_signature("the pinned key is not valid"))?;
    let srep = response.srep();
    let version = *srep.ver();
    if !version.is_supported() {
        return Err(malformed("unsupported protocol version"));
    }
    let cert = response.cert();
    let dele_bytes = cert.dele().as_bytes().map_err(malformed)?;
    let dele_sig = ed25519_dalek::Signature::from_bytes(&sig_bytes(cert.sig()));
    long_term
        .verify(&[version.dele_prefix(), &dele_bytes].concat(), &dele_sig)
        .map_err(|_| bad_signature("the delegation is not signed by the server's key"))?;
    let online_bytes: [u8; 32] = cert
        .dele()
        .pubk()
        .as_ref()
        .try_into()
        .map_err(|_| malformed("delegated key size"))?;
    let online = VerifyingKey::from_bytes(&online_bytes)
        .map_err(|_| bad_signature("the delegated key is not valid"))?;
    let srep_bytes = srep.as_bytes().map_err(malformed)?;
    let srep_sig = ed25519_dalek::Signature::from_bytes(&sig_bytes(response.sig()));
    online
        .verify(&[version.srep_prefix(), &srep_bytes].concat(), &srep_sig)
        .map_err(|_| bad_signature("the response is not signed by the delegated key"))?;
    if response.nonc().as_ref() != nonce.as_slice() {
        return Err(Rejection::WrongNonce);
    }
    if merkle_root(request_bytes, response.path(), response.indx()) != *srep.root().as_ref() {
        return Err(Rejection::WrongNonce);
    }
    let dele = cert.dele();
    if srep.midp() < dele.mint() || srep.midp() > dele.maxt() {
        return Err(Rejection::OutsideValidity {
            reason: format!(
                "time {} s is not within {}..{} s",
                srep.midp(),
                dele.mint(),
                dele.maxt()
            ),
        });
    }
    let midpoint_ms = i64::try_from(srep.midp())
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .ok_or_else(|| malformed("time out of range"))?;
    Ok(Verified {
        midpoint_ms,
        radius_ms: u64::from(srep.radi()).saturating_mul(1000),
    })
}

fn sig_bytes(sig: &Signature) -> [u8; 64] {
    let mut out = [0u8; 64];
    out.copy_from_slice(sig.as_ref().get(..64).unwrap_or(&[0u8; 64]));
    out
}

/// The root a leaf (our whole request) and its proof lead to.
fn merkle_root(request_bytes: &[u8], path: &MerklePath, index: u32) -> [u8; 32] {
    let mut node = hash(LEAF_TWEAK, &[request_bytes]);
    let mut index = index;
    for sibling in path.elements() {
        node = if index & 1 == 0 {
            hash(NODE_TWEAK, &[&node, sibling])
        } else {
            hash(NODE_TWEAK, &[sibling, &node])
        };
        index >>= 1;
    }
    node
}

/// The interval an answer gives: UTC was in midpoint ± radius (MIDP is whole seconds, so one
/// more second above) somewhere between T1 and T4.
pub fn sample(v: &Verified, t1_boot_ms: u64, t4_boot_ms: u64) -> Result<Sample, Rejection> {
    let rtt_ms = t4_boot_ms
        .checked_sub(t1_boot_ms)
        .ok_or(Rejection::BadTimestamps)?;
    let radius = i64::try_from(v.radius_ms).map_err(|_| Rejection::BadTimestamps)?;
    let t1 = i64::try_from(t1_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let t4 = i64::try_from(t4_boot_ms).map_err(|_| Rejection::BadTimestamps)?;
    let lo = v.midpoint_ms.saturating_sub(radius).saturating_sub(t4);
    let hi = v
        .midpoint_ms
        .saturating_add(radius)
        .saturating_add(1000)
        .saturating_sub(t1);
    let iv = super::consensus::Interval {
        lo_ms: lo,
        hi_ms: hi,
    };
    Ok(Sample {
        offset_ms: iv.midpoint(),
        half_width_ms: iv.half_width(),
        rtt_ms,
        kind: SourceKind::Roughtime,
    })
}

/// Asks one server (one request, waiting at most `timeout_ms`).
pub fn query(
    server: &RoughtimeServer,
    timeout_ms: u64,
    boot: &dyn BootClock,
) -> Result<Sample, Rejection> {
    let addr = resolve(&server.address)?;
    let net = |e: std::io::Error| Rejection::Network {
        reason: e.to_string(),
    };
    let socket = udp_socket(addr, timeout_ms)?;
    let nonce: [u8; 32] = rand::random();
    let req = request(&nonce);
    let t1 = boot.elapsed_ms();
    socket.send_to(&req, addr).map_err(net)?;
    let mut buf = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Rejection::NoAnswer {
            waited_ms: timeout_ms,
        },
        _ => net(e),
    })?;
    let t4 = boot.elapsed_ms();
    if from != addr {
        return Err(Rejection::WrongAddress {
            expected: addr.to_string(),
            got: from.to_string(),
        });
    }
    let verified = verify(
        &req,
        &nonce,
        buf.get(..n).unwrap_or(&[]),
        &server.public_key,
    )?;
    sample(&verified, t1, t4)
}

#[cfg(test)]
#[path = "roughtime_tests.rs"]
mod tests;
