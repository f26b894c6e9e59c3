//! An encoded picture from the gallery or a screenshot (PNG, JPEG, WebP).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kunci::enroll::qr::decode_image(data);
});
