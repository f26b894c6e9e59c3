use super::*;
use crate::time::fakes::FakeWallClock;
use crate::time::sntp::{check_reply, ReplyContext, DEFAULT_ERA_FLOOR_UNIX_MS};

#[test]
fn answers_with_offset_and_stops_on_request_limit() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let wall = FakeWallClock::new(1_780_000_000_000);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let origin = NtpTimestamp(0xdead_beef);
    client
        .send_to(&Packet::request(origin).encode(), addr)
        .unwrap();
    let opts = ServeOptions {
        max_requests: Some(1),
        max_idle: Some(Duration::from_secs(5)),
        ..ServeOptions::default()
    };
    let mut seen = Vec::new();
    let stats = serve(socket, 90_000, &wall, &opts, &mut |r| seen.push(r.clone())).unwrap();
    assert_eq!(
        stats,
        ServeStats {
            requests: 1,
            answered: 1
        }
    );
    assert_eq!(seen[0].answered_utc_ms, Some(1_780_000_090_000));
    let mut buf = [0u8; 100];
    let (n, from) = client.recv_from(&mut buf).unwrap();
    let s = check_reply(
        &buf[..n],
        &ReplyContext {
            origin,
            sent_to: addr,
            received_from: from,
            t1_boot_ms: 0,
            t4_boot_ms: 0,
            era_floor_unix_ms: DEFAULT_ERA_FLOOR_UNIX_MS,
            max_root_distance_ms: 1000,
            max_rtt_ms: 1000,
        },
    )
    .unwrap();
    assert_eq!(s.offset_ms, 1_780_000_090_000);
}

#[test]
fn stops_when_idle() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let opts = ServeOptions {
        max_idle: Some(Duration::from_millis(60)),
        ..ServeOptions::default()
    };
    let stats = serve(socket, 0, &FakeWallClock::new(0), &opts, &mut |_| {}).unwrap();
    assert_eq!(stats.requests, 0);
}
