use super::*;
use std::net::TcpListener;

#[test]
fn resolve_forms() {
    assert_eq!(
        resolve("127.0.0.1").unwrap(),
        "127.0.0.1:123".parse().unwrap()
    );
    assert_eq!(
        resolve("127.0.0.1:1234").unwrap(),
        "127.0.0.1:1234".parse().unwrap()
    );
    assert_eq!(resolve("[::1]:5").unwrap(), "[::1]:5".parse().unwrap());
    assert_eq!(resolve("::1").unwrap(), "[::1]:123".parse().unwrap());
    assert_eq!(
        resolve("localhost:99").unwrap().port(),
        99,
        "host:port goes through the resolver"
    );
    assert!(matches!(
        resolve("no-such-host.invalid"),
        Err(Rejection::Resolve { .. })
    ));
}

#[test]
fn http_date_parses_imf_fixdate() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000)
    );
    assert_eq!(parse_http_date("yesterday"), None);
}

#[test]
fn http_sample_interval_covers_truncation_and_rtt() {
    let c = SyncConfig {
        margin_ms: 0,
        ..SyncConfig::default()
    };
    let s = http_sample("Sun, 06 Nov 1994 08:49:37 GMT", 1_000, 1_200, true, &c).unwrap();
    let iv = s.interval();
    assert!(iv.lo_ms <= 784_111_777_000 - 1_200);
    assert!(iv.hi_ms >= 784_111_778_000 - 1_000);
    assert!(s.authenticated());
    assert!(matches!(
        http_sample("garbage", 0, 1, false, &c),
        Err(Rejection::BadHttpDate { .. })
    ));
    assert!(matches!(
        http_sample("Sun, 06 Nov 1994 08:49:37 GMT", 0, 10_000, false, &c),
        Err(Rejection::RttTooLong { .. })
    ));
}

/// A one-shot HTTP server on 127.0.0.1 answering with `response`.
fn one_shot_http(response: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/time?x=1", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut req = Vec::new();
        let mut b = [0u8; 256];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut b).unwrap();
            if n == 0 {
                break;
            }
            req.extend_from_slice(&b[..n]);
        }
        s.write_all(response.as_bytes()).unwrap();
        String::from_utf8_lossy(&req).into_owned()
    });
    (url, h)
}

#[test]
fn plain_http_date_client_against_local_server() {
    let (url, h) = one_shot_http(
        "HTTP/1.1 200 OK\r\nServer: t\r\ndate: Wed, 01 Apr 2026 10:00:00 GMT\r\nContent-Length: 0\r\n\r\n",
    );
    let c = PlainHttpDate::default();
    assert_eq!(
        c.fetch_date(url.clone()).unwrap(),
        "Wed, 01 Apr 2026 10:00:00 GMT"
    );
    assert!(!c.is_authenticated(url));
    let req = h.join().unwrap();
    assert!(req.starts_with("HEAD /time?x=1 HTTP/1.1\r\n"), "{req}");
    assert!(req.contains("\r\nHost: 127.0.0.1:"));
}

#[test]
fn plain_http_date_client_errors() {
    let (url, h) = one_shot_http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let e = PlainHttpDate::default().fetch_date(url).unwrap_err();
    assert!(e.to_string().contains("no Date header"), "{e}");
    h.join().unwrap();
    let e = PlainHttpDate::default()
        .fetch_date("https://example.com/".into())
        .unwrap_err();
    assert!(e.to_string().contains("only http://"), "{e}");
}
