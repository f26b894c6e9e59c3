//! Kunci core: QR enrollment, an encrypted offline vault and time-corrected one-time codes.
//!
//! Every rule of the product lives here; the Android and iOS shells and the `kunci` CLI are thin
//! layers over this crate (the shells through the UniFFI surface in the private `ffi` module).
//!
//! The modules are private: this file is the crate's one public face, and it re-exports only what
//! the CLI, the fuzz targets, the benchmarks and the integration tests use. The front door is
//! [`Kunci`] (one open vault and its trusted clock); the rest is the vocabulary its methods speak
//! and the stateless pieces a desktop tool or a fuzzer calls directly (decoders, importers,
//! exporters). Test doubles and benchmark hooks are in `testkit`, behind the `testkit` feature,
//! so they never ship in an app.

mod account;
mod app;
mod backup;
mod doctor;
mod enroll;
mod error;
mod fence;
mod ffi;
mod otp;
mod secret;
mod time;
mod vault;

// The front door and its errors.
pub use account::{AccountContent, AccountDraft};
pub use app::{fixed_time, ExportFormat, Kunci, SyncSources, TimeSetup};
pub use error::KunciError;
pub use fence::install_quiet_panic_hook;
pub use secret::Secret;

// One-time codes.
pub use otp::{HashAlgorithm, OtpKind, OtpParams};

// Enrollment: otpauth URIs, Google Authenticator migration payloads, QR images and frames.
pub use enroll::migration::decode_migration_bytes;
pub use enroll::qr::{
    decode_image, decode_luma, render_png, LumaFrame, QrError, QrPayload, ScanEffort,
};
pub use enroll::{
    decode_migration, encode_migration, format_uri, parse_payload, parse_uri, EnrollError,
    Enrollment, Payload, MAX_PAYLOAD_BYTES,
};

// The vault.
pub use vault::{
    check_draft, passphrase_strength, Account, KdfParams, KeyWrapper, KeyWrapperError, MappedList,
    OnConflict, SlotKind, Vault, VaultError, SCHEMA_VERSION,
};

// Backups: Kunci's own, other apps' exports, and exports so nobody is locked in.
pub use backup::{
    detect, export_2fas, export_aegis, export_aegis_encrypted, export_google, export_uris, formats,
    import, import_auto, import_files, import_with, read_backup, write_backup, AegisKdf,
    BackupAccount, BackupError, Cancel, Format, FormatInfo, ImportBatch, ImportOptions,
    ImportWarning, ReportLine, ReportStatus, EXPORT_WARNING, MAX_FILE_BYTES,
};

// Trusted time.
pub use time::roughtime::public_key_base64;
pub use time::sntp::{check_reply, NtpTimestamp, ReplyContext, DEFAULT_ERA_FLOOR_UNIX_MS};
pub use time::words::{duration, phone_clock, plus_minus};
pub use time::{
    needs_warning, HttpsDate, PlainHttpDate, PlatformError, PortalVerdict, RoughtimeServer,
    SyncConfig, SyncStatus, SystemBootClock, SystemWallClock, TimeDiagnostics, TimeStatus,
    TrustedClock, WallClock,
};

/// Test doubles and benchmark hooks: fake clocks, an in-memory time store, misbehaving NTP and
/// Roughtime servers, the QR decoder's steps. For tests, benchmarks and QA tools (`kunci time
/// serve`, `kunci demo`); an app never enables the `testkit` feature.
#[cfg(feature = "testkit")]
pub mod testkit {
    pub use crate::enroll::qr::bench;
    pub use crate::enroll::qr::raw_png;
    /// The UniFFI surface as Kotlin and Swift see it, for Rust tests of what crosses the
    /// boundary (the apps reach it through the generated bindings, never through this path).
    pub mod ffi {
        pub use crate::ffi::*;
    }
    pub use crate::time::server::ServerKeys;
    pub use crate::time::sntp::{ms_to_short, Packet, MODE_SERVER};
    pub use crate::time::{
        serve, FakeBootClock, FakeNtpServer, FakeWallClock, FileTimeStore, MemoryTimeStore,
        Misbehaviour, ServeOptions,
    };
}

uniffi::setup_scaffolding!();
