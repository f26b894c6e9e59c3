//! Inputs found by the fuzz targets in fuzz/, replayed on every `cargo test`. Each test says
//! which target found it and what went wrong. Findings in one module's own logic are tested
//! beside that module (e.g. enroll/uri_tests.rs); this file holds the cross-module ones.

use kunci::{decode_luma, LumaFrame, ScanEffort};

/// Replays a `qr_luma` fuzz input: the first 9 bytes choose width, height and stride as the
/// target does, the rest are pixels.
fn replay_luma(data: &[u8]) -> Result<Vec<kunci::QrPayload>, kunci::QrError> {
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([data[i], data[i + 1]]));
    let width = u16_at(0);
    let height = u16_at(2);
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
    decode_luma(
        &LumaFrame {
            width,
            height,
            row_stride: stride,
            bytes: &data[9..],
        },
        effort,
    )
}

/// `qr_luma`, first minute: rqrr 0.11 asserts `x <= i32::MAX as f64` in its perspective fit
/// (geometry.rs:55) on a mutated frame. The fence around the decoder must turn that into an
/// ordinary result (here: no code), with the panic kept off stderr by the quiet hook.
#[test]
fn rqrr_geometry_assert_is_fenced() {
    kunci::install_quiet_panic_hook();
    let data = include_bytes!("fixtures/fuzz/qr_luma-rqrr-geometry-assert.bin");
    // Returning at all (instead of unwinding out of decode_luma) is the assertion.
    let _ = replay_luma(data);
}

/// `import_kunci`, ten-minute run: a backup header asking for Argon2id with 512 MiB × 64 passes
/// × 16 lanes. Each value was inside its own limit, so import spent 24 s and 717 MB before it
/// could say "wrong password". Memory × passes is now bounded too: refused before deriving.
#[test]
fn argon2_work_bomb_in_a_backup_header_is_refused_before_deriving() {
    use kunci::{import, BackupError, Format};
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fuzz/import_kunci-argon2-work.bin"
    ))
    .unwrap();
    // UnsafeParameters comes from the parameter check, which runs before any derivation.
    let result = import(&data, Format::Kunci, Some("fuzz"));
    assert!(
        matches!(result, Err(BackupError::UnsafeParameters { .. })),
        "{result:?}"
    );
}
