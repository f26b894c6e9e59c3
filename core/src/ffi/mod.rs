//! The UniFFI surface: what Kotlin and Swift see.
//!
//! A thin layer: records and enums that cross the boundary, three foreign traits for platform
//! capabilities, the `Authenticator` object over [`crate::app::Kunci`] and a few stateless
//! functions. Every call is synchronous, takes `&self`, and returns `KunciError` instead of
//! panicking. The long ones (Argon2id in create/open/unlock/passphrase changes and encrypted
//! import/export, the network in sync) say "Blocking" in their docs; each shell wraps them once
//! on a background dispatcher (Kotlin `KunciVault`, Swift `KunciVault`), whose suites test that.
//! Foreign traits are never called with a lock held (the vault and the clock take care of that).

mod authenticator;
mod doctor;
mod functions;
mod platform;
mod records;

// The surface as one namespace, for Rust tests of what the bindings see (`kunci::testkit::ffi`).
#[cfg(feature = "testkit")]
pub use self::{authenticator::*, doctor::*, functions::*, platform::*, records::*};
