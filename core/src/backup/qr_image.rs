//! QR code pictures as an import: the PNGs `kunci export --format google-qr` writes, screenshots
//! of Google Authenticator's "Transfer accounts" screen, and one `otpauth://` code per account.
//! Every code found is read as a URI line, so Google export batches are checked as for text.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::uris::import_lines;
use super::{BackupError, Format, ImportBatch};
use zeroize::Zeroizing;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::QrImage,
    name: "qr-image",
    aliases: &["image", "png", "jpeg", "google-qr"],
    title: "QR code pictures (PNG, JPEG, WebP): Google Authenticator export codes or otpauth:// codes",
    keeps: "what the codes hold (see google and uris); several pictures of one Google export are checked for missing codes",
    cannot: "pictures larger than the QR decoder's pixel cap",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        crate::enroll::qr::is_picture(file.bytes)
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        import_lines(&uri_lines(bytes)?)
    }
}

/// The text of every QR code in the picture, one per line.
pub(crate) fn uri_lines(bytes: &[u8]) -> Result<Zeroizing<String>, BackupError> {
    let payloads = crate::enroll::qr::decode_image(bytes).map_err(|e| match e {
        crate::enroll::qr::QrError::NoQrCode => BackupError::NoAccounts,
        other => super::damaged(other.to_string()),
    })?;
    let mut out = Zeroizing::new(String::new());
    for p in payloads {
        if let Some(text) = p.text.as_deref() {
            out.push_str(text.trim());
            out.push('\n');
        }
    }
    if out.is_empty() {
        return Err(BackupError::NoAccounts);
    }
    Ok(out)
}
