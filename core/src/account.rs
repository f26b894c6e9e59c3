//! What an account is, wherever it lives: the one content type that drafts, stored accounts,
//! sealed vault records and backups embed, so these fields are never copied one by one between
//! them.

use crate::otp::OtpParams;

/// An account's content: who issued it, whose it is, how its codes are made, and the user's
/// notes, group and icon. A new account is described by one (an [`AccountDraft`]); a stored
/// account and a backup entry hold one beside their id, position and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountContent {
    /// The service ("ASN Digital"); may be empty.
    pub issuer: String,
    /// The account at that service (an e-mail, a NIP).
    pub name: String,
    pub params: OtpParams,
    pub notes: String,
    /// One group name per account.
    pub group: Option<String>,
    /// An icon as the source carried it; images are `data:<mime>;base64,<data>` URIs.
    pub icon: Option<String>,
}

/// A new account as the caller describes it (from a QR code, an import or a form).
pub type AccountDraft = AccountContent;

impl AccountContent {
    /// An account with no notes, group or icon.
    pub fn new(issuer: &str, name: &str, params: OtpParams) -> Self {
        AccountContent {
            issuer: issuer.to_string(),
            name: name.to_string(),
            params,
            notes: String::new(),
            group: None,
            icon: None,
        }
    }
}

/// Lets a type that embeds the content as its `content` field be read like the content itself
/// (`account.issuer`), which is what every caller does.
macro_rules! embeds_content {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = $crate::account::AccountContent;
            fn deref(&self) -> &Self::Target {
                &self.content
            }
        }
        impl std::ops::DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.content
            }
        }
    };
}
pub(crate) use embeds_content;
