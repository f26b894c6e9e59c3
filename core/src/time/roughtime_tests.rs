//! Roughtime checks: a valid answer verifies; a forged signature, another server's key, a
//! wrong nonce and a replayed answer are each rejected with their reason.

use super::*;
use crate::time::server::ServerKeys;

const NOW: i64 = 1_780_000_000_000;

fn keys() -> ServerKeys {
    ServerKeys::from_seed(&[7u8; 32])
}

#[test]
fn valid_answer_verifies_and_gives_the_server_time() {
    let k = keys();
    let nonce = [1u8; 32];
    let req = request(&nonce);
    assert_eq!(req.len(), 1024);
    let answer = k.respond(&req, NOW, 1).unwrap();
    let v = verify(&req, &nonce, &answer, &k.public_key()).unwrap();
    assert_eq!(v.midpoint_ms, NOW);
    assert_eq!(v.radius_ms, 1_000);
    let s = sample(&v, 5_000, 5_020).unwrap();
    assert!(s.authenticated());
    assert!(s.interval().lo_ms <= NOW - 5_000 && NOW - 5_000 <= s.interval().hi_ms);
}

#[test]
fn forged_signature_is_rejected() {
    let k = keys();
    let nonce = [2u8; 32];
    let req = request(&nonce);
    let mut answer = k.respond(&req, NOW, 1).unwrap();
    // The first tag value after the 12-byte frame and the header of 7 tags is SIG.
    let sig_at = 12 + 4 + 6 * 4 + 7 * 4;
    answer[sig_at] ^= 0x01;
    let e = verify(&req, &nonce, &answer, &k.public_key()).unwrap_err();
    assert_eq!(e.code(), "bad_signature", "{e}");
    // A server signing with another key (an impostor) fails the pinned key.
    let impostor = ServerKeys::from_seed(&[9u8; 32]);
    let answer = impostor.respond(&req, NOW, 1).unwrap();
    let e = verify(&req, &nonce, &answer, &k.public_key()).unwrap_err();
    assert_eq!(e.code(), "bad_signature", "{e}");
    assert!(e.to_string().contains("forged"), "{e}");
}

#[test]
fn wrong_nonce_and_replayed_answers_are_rejected() {
    let k = keys();
    let old_nonce = [3u8; 32];
    let old_req = request(&old_nonce);
    let old_answer = k.respond(&old_req, NOW - 3_600_000, 1).unwrap();
    // Replayed: a genuine, correctly signed answer to an earlier request.
    let nonce = [4u8; 32];
    let req = request(&nonce);
    let e = verify(&req, &nonce, &old_answer, &k.public_key()).unwrap_err();
    assert_eq!(e, Rejection::WrongNonce);
    assert!(e.to_string().contains("replayed"));
    // The right nonce echoed, but the signed tree does not contain our request.
    let other = request(&[5u8; 32]);
    let answer = k.respond(&other, NOW, 1).unwrap();
    let e = verify(&req, &[5u8; 32], &answer, &k.public_key()).unwrap_err();
    assert_eq!(e, Rejection::WrongNonce);
}

#[test]
fn garbage_is_a_typed_error_not_a_panic() {
    let k = keys();
    let nonce = [6u8; 32];
    let req = request(&nonce);
    for bytes in [
        vec![],
        vec![0u8; 3],
        b"ROUGHTIM\xff\xff\xff\xff".to_vec(),
        vec![0xffu8; 2000],
    ] {
        let e = verify(&req, &nonce, &bytes, &k.public_key()).unwrap_err();
        assert_eq!(e.code(), "roughtime_malformed", "{e}");
    }
    assert!(k.respond(b"not a request", NOW, 1).is_none());
}

#[test]
fn pinned_servers_parse() {
    let servers = default_servers();
    assert_eq!(servers.len(), 3);
    assert!(RoughtimeServer::parse("nokey").is_err());
    assert!(RoughtimeServer::parse("AAAA@host:1").is_err());
}
