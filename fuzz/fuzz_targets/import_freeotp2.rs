//! FreeOTP 2's `externalBackup.xml` on hostile bytes: the bounded Java-serialization reader, the
//! Gson JSON, the DER GCM parameters and the PBKDF2 master key. Read as FreeOTP 2 with the seed's
//! password "fuzz" and without one, then through auto-detection. Seeds: a JDK-written backup
//! with 1 000 iterations (core/tests/fixtures/freeotp2/MakeBackup.java).
#![no_main]
use kunci::backup::{import_with, Format, ImportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let with_password = ImportOptions::with_password(Some("fuzz"));
    let _ = import_with(data, Some(Format::FreeOtp2), &with_password);
    let _ = import_with(data, Some(Format::FreeOtp2), &ImportOptions::default());
    let _ = import_with(data, None, &with_password);
});
