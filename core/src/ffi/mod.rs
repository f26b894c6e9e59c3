//! The UniFFI surface: what Kotlin and Swift see.
//!
//! A thin layer: records and enums that cross the boundary, three foreign traits for platform
//! capabilities, the `Authenticator` object over [`crate::app::Kunci`] and a few stateless
//! functions. Every call is blocking (shells call from a background dispatcher), takes `&self`,
//! and returns `KunciError` instead of panicking. Foreign traits are never called with a lock held
//! (the vault and the clock take care of that).

mod authenticator;
mod doctor;
mod functions;
mod platform;
mod records;

pub use authenticator::{Authenticator, AuthenticatorOptions};
pub use doctor::{DoctorFact, DoctorFinding, PortalCheckInfo, TimeStatusInfo};
pub use functions::*;
pub use platform::{BootClock, HttpsDate, KeyWrapper};
pub use records::*;
