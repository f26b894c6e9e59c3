//! The one table of file formats Kunci reads. Auto-detection, `kunci import --list-formats`,
//! `--format` names and the FFI's format list all read [`REGISTRY`]; adding a format is one
//! module implementing [`Importer`] (see [`super::importer`]) and one line here.

use super::importer::{FormatInfo, Importer};
use super::{BackupError, Format};

/// Every format, in detection order: distinctive magic first, loose text formats last.
pub(crate) static REGISTRY: &[&dyn Importer] = &[
    &super::kunci::Reader,
    &super::qr_image::Reader,
    &super::stratum::Reader,
    &super::refused::AuthenticatorPlus,
    &super::freeotp2::Reader,
    &super::sqlite::GoogleReader,
    &super::sqlite::MicrosoftReader,
    &super::sqlite::StratumReader,
    &super::aegis::Reader,
    &super::twofas::Reader,
    &super::ente::Reader,
    &super::freeotp::Reader,
    &super::bitwarden::Reader,
    &super::proton::Reader,
    &super::steam::Reader,
    &super::duo::Reader,
    &super::freeotp::XmlReader,
    &super::authy::Reader,
    &super::battlenet::Reader,
    &super::totp_authenticator::Reader,
    &super::bitwarden::CsvReader,
    &super::google::Reader,
    &super::uris::Reader,
    &super::uris::WinAuthReader,
    // Last: encrypted andOTP files have no marker, so any binary file nothing else claimed.
    &super::andotp::Reader,
];

/// The entry for `format`.
pub(crate) fn importer(format: Format) -> Result<&'static dyn Importer, BackupError> {
    REGISTRY
        .iter()
        .copied()
        .find(|i| i.info().format == format)
        .ok_or(BackupError::NotRecognized)
}

/// Every format Kunci reads, with what it keeps, in the registry's order.
pub fn formats() -> Vec<FormatInfo> {
    REGISTRY.iter().map(|i| *i.info()).collect()
}
