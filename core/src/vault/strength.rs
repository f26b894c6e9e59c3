//! How guessable a new passphrase is, estimated by zxcvbn (Dropbox's estimator, a kept crate).
//!
//! The vault's key slots are only as strong as the passphrase: Argon2id makes each guess cost
//! about half a second, but a passphrase found in the first thousand guesses falls in minutes.
//! The core reports; the front ends (CLI, apps) refuse below [`MIN_PASSPHRASE_SCORE`] and warn
//! just above it, in the user's words.

use crate::secret::Secret;

/// The lowest zxcvbn score (0..=4) a new passphrase may have: 2 means "more than 10^6 guesses",
/// about six days of Argon2id at our default cost on one core.
pub const MIN_PASSPHRASE_SCORE: u8 = 2;

/// zxcvbn's cost grows quickly with length; past this many characters a passphrase is long
/// enough that the prefix decides (the estimate only gets better with more).
const MAX_SCORED_CHARS: usize = 100;

/// The estimate for one passphrase. Holds no part of the passphrase.
#[derive(Debug, Clone, PartialEq)]
pub struct PassphraseStrength {
    /// 0 (guessed in under 10^3 tries) to 4 (more than 10^10).
    pub score: u8,
    /// log10 of the estimated guesses.
    pub guesses_log10: f64,
    /// What is wrong and how to do better, in one or two sentences; empty when strong.
    pub advice: String,
}

impl PassphraseStrength {
    /// Whether a front end should accept it for a new vault, slot or export.
    pub fn is_acceptable(&self) -> bool {
        self.score >= MIN_PASSPHRASE_SCORE
    }
}

/// Estimates `passphrase`'s strength. `context` lists words an attacker would try first (the
/// app's name, the user's account names).
pub fn passphrase_strength(passphrase: &Secret, context: &[&str]) -> PassphraseStrength {
    // zxcvbn works on text; bytes that are not UTF-8 are scored as replacement characters, which
    // only underestimates.
    let text = zeroize::Zeroizing::new(String::from_utf8_lossy(passphrase.expose()).into_owned());
    let scored: zeroize::Zeroizing<String> =
        zeroize::Zeroizing::new(text.chars().take(MAX_SCORED_CHARS).collect());
    let mut inputs = vec!["kunci"];
    inputs.extend_from_slice(context);
    let entropy = zxcvbn::zxcvbn(&scored, &inputs);
    let mut advice = Vec::new();
    if let Some(feedback) = entropy.feedback() {
        if let Some(w) = feedback.warning() {
            advice.push(w.to_string());
        }
        advice.extend(feedback.suggestions().iter().map(|s| s.to_string()));
    }
    PassphraseStrength {
        score: u8::from(entropy.score()),
        guesses_log10: entropy.guesses_log10(),
        advice: advice.join(" "),
    }
}

#[cfg(test)]
#[path = "strength_tests.rs"]
mod tests;
