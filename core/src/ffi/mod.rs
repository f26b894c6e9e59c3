//! Stand-in FFI surface: just enough to prove the Kotlin and Swift harnesses (a function, a typed
//! error, a foreign trait, a byte slice). The real surface replaces this file.

use std::sync::Arc;

use crate::otp::OtpParams;
use crate::secret::Secret;

/// The crate version, so a shell can show which core it runs.
#[uniffi::export]
pub fn kunci_version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KunciError {
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
}

/// A 6-digit, 30 s, SHA-1 TOTP code for a raw secret at a unix time.
///
/// Not `unix`: argument names go verbatim into the generated C header, and clang on Linux
/// predefines `unix` as a macro (`#define unix 1`), which breaks the Swift module.
#[uniffi::export]
pub fn totp_code(secret: Vec<u8>, unix_time: u64) -> Result<String, KunciError> {
    OtpParams::totp(Secret::new(secret))
        .code_at(unix_time)
        .map_err(|e| KunciError::InvalidInput {
            reason: e.to_string(),
        })
}

/// Milliseconds since boot, implemented by the platform (elapsedRealtime, mach_continuous_time).
#[uniffi::export(with_foreign)]
pub trait BootClock: Send + Sync {
    fn elapsed_ms(&self) -> u64;
}

/// Calls back into a foreign `BootClock`, proving the callback path works.
#[uniffi::export]
pub fn read_boot_clock(clock: Arc<dyn BootClock>) -> u64 {
    clock.elapsed_ms()
}

/// Takes a borrowed byte slice (a camera frame in the real API), proving `&[u8]` crosses the FFI.
#[uniffi::export]
pub fn byte_len(frame: &[u8]) -> u64 {
    frame.len() as u64
}
