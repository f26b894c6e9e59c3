//! A camera frame as the shells pass it: width, height and row stride are as untrusted as the
//! bytes (a shell bug or a hostile caller can send anything). The first 9 bytes pick them.
#![no_main]
use kunci::{LumaFrame, ScanEffort, decode_luma};
use libfuzzer_sys::fuzz_target;

// libFuzzer's panic hook aborts on every panic, even one that a fence in the QR pipeline
// catches (rqrr panics on some images; production turns that into "no code found"). The quiet
// hook wraps it: panics inside a fence stay caught, any other panic still aborts and is a finding.
fuzz_target!(init: kunci::install_quiet_panic_hook(), |data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([data[i], data[i + 1]]));
    let width = u16_at(0);
    let height = u16_at(2);
    // The stride is usually width + small padding; sometimes anything.
    let stride = if data[8] & 0x80 == 0 {
        width.saturating_add(u32::from(data[8] & 0x0f))
    } else {
        u16_at(4) | (u16_at(6) << 16)
    };
    let effort = if data[8] & 0x40 == 0 {
        ScanEffort::Frame
    } else {
        ScanEffort::Thorough
    };
    let frame = LumaFrame {
        width,
        height,
        row_stride: stride,
        bytes: &data[9..],
    };
    let _ = decode_luma(&frame, effort);
});
