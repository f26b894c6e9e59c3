//! Kunci core: QR enrollment, an encrypted offline vault and time-corrected one-time codes.
//!
//! Every rule of the product lives here; the Android and iOS shells and the `kunci` CLI are thin
//! layers over this crate (the shells through the UniFFI surface in [`ffi`]).

pub mod app;
pub mod backup;
pub mod doctor;
pub mod enroll;
pub mod error;
mod fence;
pub mod ffi;
pub use fence::install_quiet_panic_hook;
pub mod otp;
pub mod secret;
pub mod time;
pub mod vault;

pub use error::KunciError;
pub use secret::Secret;

uniffi::setup_scaffolding!();
