//! Google Authenticator exports: the protobuf bytes directly (most of the mutations reach the
//! decoder), and the same bytes as the otpauth-migration:// text a QR code carries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kunci::decode_migration_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kunci::decode_migration(text);
    }
});
