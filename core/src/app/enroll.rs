//! Enrollment: from an otpauth / Google export URI, a camera frame, or a picture. Decoding and
//! enrolling are one step here, so the apps and the CLI never repeat it.

use super::Kunci;
use crate::enroll::qr::{self, LumaFrame, QrPayload, ScanEffort};
use crate::enroll::{parse_payload, BatchInfo, Enrollment, Payload};
use crate::error::KunciError;
use crate::vault::{Account, AccountDraft, OnConflict};

/// What an enrollment added, and what the user should know about it.
#[derive(Debug, Clone, Default)]
pub struct EnrollOutcome {
    pub added: Vec<Account>,
    /// What the parser fixed ("the secret had spaces ...").
    pub warnings: Vec<String>,
    /// For a Google export: which QR code of how many this was.
    pub batch: Option<BatchInfo>,
    /// Export entries that could not be used: (label, reason).
    pub refused: Vec<(String, String)>,
}

impl Kunci {
    /// Enrolls an otpauth URI or every account of a Google export.
    pub fn enroll_text(
        &self,
        text: &str,
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let (enrollments, batch, refused) = match parse_payload(text)? {
            Payload::Single(e) => (vec![e], None, Vec::new()),
            Payload::Migration(m) => (
                m.accounts,
                Some(m.batch),
                m.refused
                    .into_iter()
                    .map(|(_, label, err)| (label, err.to_string()))
                    .collect(),
            ),
        };
        let warnings = enrollments
            .iter()
            .flat_map(|e| e.warnings.iter().map(|w| w.to_string()))
            .collect();
        let drafts = enrollments.into_iter().map(draft_of).collect();
        let added = self.vault.add_all(drafts, on_conflict, self.stamp())?;
        Ok(EnrollOutcome {
            added,
            warnings,
            batch,
            refused,
        })
    }

    /// The account an enrollment of `text` (an otpauth URI, or the first account of a Google
    /// export) would conflict with: same issuer and name, ignoring case and outer spaces. What
    /// the apps show beside "replace or keep both?".
    pub fn existing_account(&self, text: &str) -> Result<Option<Account>, KunciError> {
        let first = match parse_payload(text)? {
            Payload::Single(e) => Some(e),
            Payload::Migration(m) => m.accounts.into_iter().next(),
        };
        let Some(e) = first else { return Ok(None) };
        let key =
            |issuer: &str, name: &str| (issuer.trim().to_lowercase(), name.trim().to_lowercase());
        let wanted = key(&e.issuer, &e.name);
        Ok(self
            .vault
            .list()?
            .accounts
            .into_iter()
            .find(|a| key(&a.issuer, &a.name) == wanted))
    }

    /// Enrolls from decoded QR payloads: the first one that is an authenticator code wins
    /// (a screenshot may also show unrelated codes).
    pub fn enroll_payloads(
        &self,
        payloads: &[QrPayload],
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let mut first_error = None;
        for text in payloads.iter().filter_map(|p| p.text.as_deref()) {
            match self.enroll_text(text, on_conflict) {
                Ok(outcome) => return Ok(outcome),
                Err(e @ KunciError::DuplicateAccount { .. }) => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| KunciError::NotAQrCode {
            detail: "The QR code does not hold an authenticator code.".into(),
        }))
    }

    /// Enrolls from a camera frame's luma plane with the cheap passes of a live preview:
    /// `NotAQrCode` means "keep scanning".
    pub fn enroll_frame(
        &self,
        frame: &LumaFrame<'_>,
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let payloads = qr::decode_luma(frame, ScanEffort::Frame)?;
        self.enroll_payloads(&payloads, on_conflict)
    }

    /// Enrolls from a screenshot or photo (PNG, JPEG, WebP).
    pub fn enroll_image(
        &self,
        image: &[u8],
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let payloads = qr::decode_image(image)?;
        self.enroll_payloads(&payloads, on_conflict)
    }
}

fn draft_of(e: Enrollment) -> AccountDraft {
    AccountDraft::new(&e.issuer, &e.name, e.params)
}
