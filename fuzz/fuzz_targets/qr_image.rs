//! An encoded picture from the gallery or a screenshot (PNG, JPEG, WebP).
#![no_main]
use libfuzzer_sys::fuzz_target;

// libFuzzer's panic hook aborts on every panic, even one that a fence in the QR pipeline
// catches (rqrr panics on some images; production turns that into "no code found"). The quiet
// hook wraps it: panics inside a fence stay caught, any other panic still aborts and is a finding.
fuzz_target!(init: kunci::install_quiet_panic_hook(), |data: &[u8]| {
    let _ = kunci::decode_image(data);
});
