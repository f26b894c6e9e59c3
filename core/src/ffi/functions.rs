//! Stateless exports: what a shell needs before (or without) a vault.

use super::records::{AccountPreview, CodeInfo, ImportFormatInfo, QrPreview};
use crate::enroll::qr::{self, LumaFrame, ScanEffort};
use crate::enroll::{parse_payload, Payload};
use crate::error::KunciError;

/// The core's version, for an About screen and bug reports.
#[uniffi::export]
pub fn kunci_version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Every file format `import_files` reads, with what each keeps and cannot (the same table as
/// auto-detection and `kunci import --list-formats`).
#[uniffi::export]
pub fn import_formats() -> Vec<ImportFormatInfo> {
    crate::backup::formats()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// Every account an otpauth or otpauth-migration URI holds, for a confirmation screen.
#[uniffi::export]
pub fn preview_uri(uri: String) -> Result<Vec<AccountPreview>, KunciError> {
    Ok(match parse_payload(&uri)? {
        Payload::Single(e) => vec![AccountPreview::from(&e)],
        Payload::Migration(m) => m.accounts.iter().map(AccountPreview::from).collect(),
    })
}

/// The code of an otpauth URI at `unix_time` seconds (QA tools, tests); before 1970 is refused.
#[uniffi::export]
pub fn code_for_uri(uri: String, unix_time: i64) -> Result<CodeInfo, KunciError> {
    let e = crate::enroll::parse_uri(&uri)?;
    let unix_time = u64::try_from(unix_time)
        .map_err(|_| KunciError::invalid("The time must not be before 1970."))?;
    let view = e.params.view_at(unix_time)?;
    Ok(CodeInfo::new(0, &e.issuer, &e.name, &e.params, view))
}

/// What the QR codes in one camera frame's luma plane (Android `ImageProxy` Y plane, iOS
/// `CVPixelBuffer` plane 0) are, read without copying: previews without secrets; enroll with
/// `Authenticator.enroll_frame`. `thorough`: every pass (a still picture); otherwise the cheap
/// passes of a live preview, which retries on the next frame.
#[uniffi::export]
pub fn decode_qr_frame(
    width: u32,
    height: u32,
    row_stride: u32,
    frame: &[u8],
    thorough: bool,
) -> Result<Vec<QrPreview>, KunciError> {
    crate::install_quiet_panic_hook();
    let effort = if thorough {
        ScanEffort::Thorough
    } else {
        ScanEffort::Frame
    };
    let luma = LumaFrame {
        width,
        height,
        row_stride,
        bytes: frame,
    };
    Ok(qr::decode_luma(&luma, effort)?
        .iter()
        .map(QrPreview::from)
        .collect())
}

/// What the QR codes in an encoded picture (PNG, JPEG, WebP: a screenshot or a gallery photo)
/// are: previews without secrets; enroll with `Authenticator.enroll_image`.
#[uniffi::export]
pub fn decode_qr_image(image: Vec<u8>) -> Result<Vec<QrPreview>, KunciError> {
    crate::install_quiet_panic_hook();
    Ok(qr::decode_image(&image)?
        .iter()
        .map(QrPreview::from)
        .collect())
}

/// A PNG of a QR code for `text` (an export code to show, a QA fixture).
#[uniffi::export]
pub fn render_qr_png(text: String, module_px: u32) -> Result<Vec<u8>, KunciError> {
    Ok(qr::render_png(&text, module_px)?)
}
