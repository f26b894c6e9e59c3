//! Checks on the FFI records that Rust callers cannot reach (the `ffi` module is private).

use super::*;
use crate::enroll::qr::QrPayload;

// Issue 17 finding 8: a decoded QR code carries an enrollment secret; its Debug must not print it.
#[test]
fn qr_code_debug_hides_the_uri() {
    let uri = "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank";
    let code = QrCode::from(QrPayload {
        bytes: uri.as_bytes().to_vec(),
        text: Some(uri.into()),
    });
    let shown = format!("{code:?}");
    assert!(
        !shown.contains("JBSWY3DP") && !shown.contains("alice"),
        "{shown}"
    );
    assert!(shown.contains("redacted"), "{shown}");
}
