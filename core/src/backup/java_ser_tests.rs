//! Tests of the Java serialization subset: the FreeOTP 2 fixture written by the JDK itself
//! (core/tests/fixtures/freeotp2/MakeBackup.java), every truncation of it, and hand-made
//! hostile streams.

use super::*;

const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/freeotp2/externalBackup.xml");

#[test]
fn the_jdk_written_map_reads_with_its_strings_and_boxed_values() {
    let entries = read_string_map(FIXTURE).unwrap();
    // masterKey, restoreComplete (Boolean), someCount (Integer: a Number subclass), and two
    // strings per account for nine accounts.
    assert_eq!(entries.len(), 3 + 2 * 9);
    let get = |k: &str| entries.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    assert!(
        matches!(get("masterKey"), Some(JavaValue::Str(s)) if s.starts_with("{\"mEncryptedKey\":"))
    );
    assert_eq!(get("restoreComplete"), Some(&JavaValue::Other));
    assert_eq!(get("someCount"), Some(&JavaValue::Other));
    let tokens = entries
        .iter()
        .filter(|(k, _)| k.ends_with("-token"))
        .count();
    assert_eq!(tokens, 9);
    // Non-ASCII labels survive modified UTF-8.
    assert!(entries
        .iter()
        .any(|(_, v)| matches!(v, JavaValue::Str(s) if s.contains("José 山田"))));
}

#[test]
fn every_truncation_and_every_flipped_tag_is_an_error_not_a_panic() {
    for len in 0..FIXTURE.len() {
        assert!(read_string_map(&FIXTURE[..len]).is_err(), "prefix {len}");
    }
    for i in 4..FIXTURE.len().min(400) {
        let mut b = FIXTURE.to_vec();
        b[i] ^= 0x5a;
        let _ = read_string_map(&b);
    }
}

fn stream(body: &[u8]) -> Vec<u8> {
    let mut b = MAGIC.to_vec();
    b.extend_from_slice(body);
    b
}

/// A HashMap header (class descriptor, fields, block) announcing `size` entries.
fn map_head(size: i32) -> Vec<u8> {
    let mut b = vec![TC_OBJECT, TC_CLASSDESC, 0, 17];
    b.extend_from_slice(b"java.util.HashMap");
    b.extend_from_slice(&[5, 7, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 3, 0, 2]);
    b.extend_from_slice(b"F\x00\x0aloadFactorI\x00\x09threshold");
    b.extend_from_slice(&[TC_ENDBLOCKDATA, TC_NULL]);
    b.extend_from_slice(&[0x3f, 0x40, 0, 0, 0, 0, 0, 12]);
    b.extend_from_slice(&[TC_BLOCKDATA, 8, 0, 0, 0, 16]);
    b.extend_from_slice(&size.to_be_bytes());
    b
}

#[test]
fn hostile_streams_are_damaged_files() {
    // Two billion entries announced in a few bytes: refused without reserving memory.
    let mut b = map_head(i32::MAX);
    b.push(TC_ENDBLOCKDATA);
    assert!(matches!(
        read_string_map(&stream(&b)),
        Err(BackupError::Damaged { .. })
    ));
    // A reference to a handle never written, and one before the first handle.
    for wire in [BASE_HANDLE + 1000, 7] {
        let mut b = map_head(1);
        b.push(TC_REFERENCE);
        b.extend_from_slice(&wire.to_be_bytes());
        assert!(read_string_map(&stream(&b)).is_err());
    }
    // A key that is not text, and a class with an object field inside the map.
    let mut b = map_head(1);
    b.push(TC_NULL);
    assert!(read_string_map(&stream(&b)).is_err());
    let mut b = map_head(1);
    b.extend_from_slice(&[TC_STRING, 0, 1, b'k', TC_OBJECT, TC_CLASSDESC, 0, 1, b'X']);
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[
        SC_SERIALIZABLE,
        0,
        1,
        b'L',
        0,
        1,
        b'f',
        TC_STRING,
        0,
        1,
        b'Y',
    ]);
    b.extend_from_slice(&[TC_ENDBLOCKDATA, TC_NULL, 0, 0, 0, 0]);
    assert!(read_string_map(&stream(&b)).is_err());
    // A back-reference to a long string, repeated, stops at the text budget.
    let mut b = map_head(1000);
    b.extend_from_slice(&[TC_STRING, 0xff, 0xff]);
    b.extend(std::iter::repeat_n(b'a', 0xffff));
    b.push(TC_NULL);
    for _ in 0..999 {
        b.push(TC_REFERENCE);
        b.extend_from_slice(&(BASE_HANDLE + 2).to_be_bytes()); // the string (0: class, 1: map)
        b.push(TC_NULL);
    }
    b.push(TC_ENDBLOCKDATA);
    let err = read_string_map(&stream(&b)).unwrap_err();
    assert!(err.to_string().contains("too much text"), "{err}");
    // Not Java at all.
    assert_eq!(read_string_map(b"{}"), Err(BackupError::NotRecognized));
}

#[test]
fn modified_utf8_reads_nul_and_characters_beyond_the_bmp() {
    // NUL as C0 80; U+1F511 (a key) as two three-byte surrogates.
    let bytes = [b'a', 0xc0, 0x80, 0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x91];
    assert_eq!(modified_utf8(&bytes).as_deref(), Some("a\0\u{1F511}"));
    // A raw NUL byte, a lone surrogate and a cut sequence are refused.
    assert_eq!(modified_utf8(&[0]), None);
    assert_eq!(modified_utf8(&[0xed, 0xa0, 0xbd]), None);
    assert_eq!(modified_utf8(&[0xe4, 0xb8]), None);
}
