//! One source's answer, whatever the protocol: the [`Sample`] interval it gives for "UTC − boot
//! clock", its [`SourceKind`], and the address resolution and socket every UDP source shares. Both the
//! NTP/HTTP queries ([`super::sources`]) and Roughtime ([`super::roughtime`]) build on this file,
//! so neither needs the other.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use super::consensus::Interval;
use super::sntp::Rejection;

/// The NTP port, used when a server is named without one.
pub const NTP_PORT: u16 = 123;

/// What kind of source gave a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Ntp,
    /// `authenticated`: the platform verified TLS for it (an `https://` URL).
    Http {
        authenticated: bool,
    },
    /// A Roughtime answer whose signature chain ends in a pinned key.
    Roughtime,
}

/// A usable answer: the true "UTC − boot" lies in `offset_ms ± half_width_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub offset_ms: i64,
    pub half_width_ms: u64,
    pub rtt_ms: u64,
    pub kind: SourceKind,
}

impl Sample {
    pub fn interval(&self) -> Interval {
        Interval::around(self.offset_ms, self.half_width_ms)
    }
    pub fn authenticated(&self) -> bool {
        matches!(
            self.kind,
            SourceKind::Http {
                authenticated: true
            } | SourceKind::Roughtime
        )
    }
}

/// One source's outcome in a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceResult {
    pub source: String,
    pub outcome: Result<Sample, Rejection>,
}

/// Resolves `host`, `host:port`, an IP, or `[v6]:port`; IPv4 first (more networks route it).
pub fn resolve(server: &str) -> Result<SocketAddr, Rejection> {
    if let Ok(a) = server.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = server.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, NTP_PORT));
    }
    let has_port = server
        .rsplit_once(':')
        .is_some_and(|(h, p)| !h.contains(':') && p.parse::<u16>().is_ok());
    let found = if has_port {
        server.to_socket_addrs()
    } else {
        (server, NTP_PORT).to_socket_addrs()
    };
    let mut addrs: Vec<SocketAddr> = found
        .map_err(|e| Rejection::Resolve {
            reason: e.to_string(),
        })?
        .collect();
    addrs.sort_by_key(|a| !a.is_ipv4());
    addrs.into_iter().next().ok_or(Rejection::Resolve {
        reason: "no address found".into(),
    })
}

/// A UDP socket of `addr`'s family on any local port, whose reads wait at most `read_timeout_ms`.
pub fn udp_socket(addr: SocketAddr, read_timeout_ms: u64) -> Result<UdpSocket, Rejection> {
    let net = |e: std::io::Error| Rejection::Network {
        reason: e.to_string(),
    };
    let bind: SocketAddr = if addr.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    };
    let socket = UdpSocket::bind(bind).map_err(net)?;
    socket
        .set_read_timeout(Some(Duration::from_millis(read_timeout_ms.max(1))))
        .map_err(net)?;
    Ok(socket)
}
