//! A backup file someone hands the app: `backup::import` with the format chosen and a
//! password given (encrypted seeds use the password "fuzz"), then the same bytes without one.
#![no_main]
use kunci::{Format, import};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = import(data, Format::Aegis, Some("fuzz"));
    let _ = import(data, Format::Aegis, None);
});
