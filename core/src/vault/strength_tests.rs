//! Passphrase strength: the weak passphrases of issue 17 are refused, real ones pass.

use super::*;

fn strength(p: &str) -> PassphraseStrength {
    passphrase_strength(&Secret::from_slice(p.as_bytes()), &[])
}

#[test]
fn weak_passphrases_are_not_acceptable() {
    for weak in [
        "",
        "a",
        "password",
        "12345678",
        "kunci123",
        "qwertyuiop",
        "aaaaaaaaaaaa",
    ] {
        let s = strength(weak);
        assert!(!s.is_acceptable(), "{weak:?} scored {}", s.score);
        assert!(
            !s.advice.is_empty() || weak.is_empty(),
            "{weak:?} has no advice"
        );
    }
}

#[test]
fn long_or_random_passphrases_are_acceptable() {
    for strong in [
        "correct horse battery staple",
        "Gunung-Merapi-pagi-2026!",
        "x7#Kq9vLm2pZ",
    ] {
        let s = strength(strong);
        assert!(s.is_acceptable(), "{strong:?} scored {}", s.score);
    }
}

#[test]
fn context_words_count_against_the_passphrase() {
    let alone = passphrase_strength(&Secret::from_slice(b"budisantoso1990"), &[]);
    let known = passphrase_strength(&Secret::from_slice(b"budisantoso1990"), &["budisantoso"]);
    assert!(known.guesses_log10 < alone.guesses_log10);
}

#[test]
fn very_long_and_binary_passphrases_are_scored_without_trouble() {
    let long = "abc def ghi ".repeat(10_000);
    assert!(strength(&long).score <= 4);
    let binary = passphrase_strength(&Secret::from_slice(&[0xff, 0xfe, 0x00, 0x80]), &[]);
    assert!(binary.score <= 4);
}
