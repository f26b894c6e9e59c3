use super::*;

fn cipher() -> RecordCipher {
    RecordCipher::new(&random_key()).unwrap()
}

#[test]
fn round_trip_and_fresh_nonce() {
    let c = cipher();
    let a = c.seal("accounts", RowRef::Id(7), b"hello");
    let b = c.seal("accounts", RowRef::Id(7), b"hello");
    assert_ne!(a, b, "a nonce is never reused");
    assert_eq!(
        &c.open("accounts", RowRef::Id(7), &a).unwrap()[..],
        b"hello"
    );
}

#[test]
fn bound_to_table_row_and_version() {
    let c = cipher();
    let blob = c.seal("accounts", RowRef::Id(7), b"hello");
    assert!(c.open("accounts", RowRef::Id(8), &blob).is_err());
    assert!(c.open("settings", RowRef::Id(7), &blob).is_err());
    assert!(c.open("accounts", RowRef::Key("7"), &blob).is_err());
    let mut relabelled = blob.clone();
    relabelled[0] = 2;
    assert!(c.open("accounts", RowRef::Id(7), &relabelled).is_err());
    for i in 0..blob.len() {
        let mut flipped = blob.clone();
        flipped[i] ^= 0x01;
        assert!(
            c.open("accounts", RowRef::Id(7), &flipped).is_err(),
            "byte {i}"
        );
    }
    assert!(c.open("accounts", RowRef::Id(7), &blob[..20]).is_err());
    assert!(cipher().open("accounts", RowRef::Id(7), &blob).is_err());
}

#[test]
fn open_into_reuses_one_buffer_and_checks_like_open_as() {
    let c = cipher();
    let v = ACCOUNT_RECORD_VERSION;
    let row = |id, counter| RowRef::Counted { id, counter };
    let small = c.seal_as(v, "accounts", row(1, 1), b"short");
    let large = c.seal_as(v, "accounts", row(2, 3), &[7u8; 5000]);
    let mut buf = OpenBuffer::default();
    // Small, then larger (the buffer grows), then small again: each plaintext exactly.
    assert_eq!(
        c.open_into(v, "accounts", row(1, 1), &small, &mut buf)
            .unwrap(),
        b"short"
    );
    let opened = c
        .open_into(v, "accounts", row(2, 3), &large, &mut buf)
        .unwrap();
    assert_eq!(opened, &[7u8; 5000][..]);
    assert_eq!(
        c.open_into(v, "accounts", row(1, 1), &small, &mut buf)
            .unwrap(),
        b"short"
    );
    // Another counter, id, table or version, a flipped byte or a short blob does not open.
    for (version, table, place) in [
        (v, "accounts", row(1, 2)),
        (v, "accounts", row(2, 1)),
        (v, "settings", row(1, 1)),
        (RECORD_VERSION, "accounts", row(1, 1)),
    ] {
        assert!(c
            .open_into(version, table, place, &small, &mut buf)
            .is_err());
    }
    for i in 0..small.len() {
        let mut flipped = small.clone();
        flipped[i] ^= 0x01;
        assert!(
            c.open_into(v, "accounts", row(1, 1), &flipped, &mut buf)
                .is_err(),
            "byte {i}"
        );
    }
    assert!(c
        .open_into(v, "accounts", row(1, 1), &small[..20], &mut buf)
        .is_err());
    // After failures the buffer still opens a good blob.
    assert_eq!(
        c.open_into(v, "accounts", row(1, 1), &small, &mut buf)
            .unwrap(),
        b"short"
    );
}

#[test]
fn only_32_byte_keys() {
    assert!(RecordCipher::new(&Secret::from_slice(&[0u8; 31])).is_none());
}

use proptest::prelude::*;

fn any_row() -> impl Strategy<Value = (bool, i64, String)> {
    (any::<bool>(), any::<i64>(), "[a-z0-9._]{0,12}")
}

/// The place a blob is opened at, given as owned parts of a `RowRef`.
fn row_ref(is_id: bool, id: i64, key: &str) -> RowRef<'_> {
    if is_id {
        RowRef::Id(id)
    } else {
        RowRef::Key(key)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A sealed blob opens at exactly its own table and row; any other place (another table,
    /// another id or key, an id where a key was, or the other way round) is refused.
    #[test]
    fn seal_opens_only_at_its_own_place(
        plain in proptest::collection::vec(any::<u8>(), 0..200),
        table in "[a-z_]{1,12}",
        (is_id, id, key) in any_row(),
        other_table in "[a-z_]{1,12}",
        (o_is_id, o_id, o_key) in any_row(),
    ) {
        let c = cipher();
        let here = row_ref(is_id, id, &key);
        let blob = c.seal(&table, here, &plain);
        prop_assert_eq!(&c.open(&table, here, &blob).unwrap()[..], &plain[..]);
        let there = row_ref(o_is_id, o_id, &o_key);
        let same_place = other_table == table
            && o_is_id == is_id
            && if is_id { o_id == id } else { o_key == key };
        prop_assert_eq!(c.open(&other_table, there, &blob).is_ok(), same_place);
    }

    /// Any change to a blob (flipped bits at random offsets, truncation, extension) is refused.
    #[test]
    fn tampered_blob_never_opens(
        plain in proptest::collection::vec(any::<u8>(), 0..200),
        id in any::<i64>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
        cut in any::<prop::sample::Index>(),
        extra in proptest::collection::vec(any::<u8>(), 1..8),
    ) {
        let c = cipher();
        let blob = c.seal("accounts", RowRef::Id(id), &plain);
        let mut flipped = blob.clone();
        for (at, mask) in &flips {
            flipped[at.index(blob.len())] ^= mask;
        }
        if flipped != blob {
            prop_assert!(c.open("accounts", RowRef::Id(id), &flipped).is_err());
        }
        let short = &blob[..cut.index(blob.len())];
        prop_assert!(c.open("accounts", RowRef::Id(id), short).is_err());
        let mut long = blob.clone();
        long.extend_from_slice(&extra);
        prop_assert!(c.open("accounts", RowRef::Id(id), &long).is_err());
    }
}

/// Key slots go through `open_with` (a cipher from the passphrase, its own associated data):
/// the same checks as rows, the version byte included, now that both share one opening path.
#[test]
fn open_with_checks_the_version_byte_and_every_byte_like_rows() {
    let kek = random_bytes::<KEY_LEN>();
    let aead = kek_cipher(&kek);
    let blob = seal_with(&aead, b"slot", b"vault key");
    assert_eq!(&open_with(&aead, b"slot", &blob).unwrap()[..], b"vault key");
    assert!(open_with(&aead, b"other slot", &blob).is_err());
    for i in 0..blob.len() {
        let mut changed = blob.clone();
        changed[i] ^= 0x01;
        assert!(open_with(&aead, b"slot", &changed).is_err(), "byte {i}");
    }
    assert!(open_with(&aead, b"slot", &blob[..1 + NONCE_LEN + TAG_LEN - 1]).is_err());
    assert!(open_with(&aead, b"slot", &[]).is_err());
}
