//! `kunci code`: the code for one URI.
//!
//! `kunci` answers the plain call ([`plain_call`]) with [`at_or_now`] by itself; `kunci-full`
//! answers every other form (`--at`, `--json`, `-` for standard input, a vault's trusted time)
//! with the same functions, so both print the same (cli/tests/cli.rs compares them).

use crate::output::Output;
use crate::{clock, CliError, Outcome};
use kunci::{parse_payload, parse_uri, Payload};
use serde::Serialize;

#[derive(Serialize)]
struct CodeJson {
    code: String,
    /// Unix seconds; null for HOTP, whose code is valid until used.
    valid_from: Option<u64>,
    valid_until: Option<u64>,
    next: String,
}

/// The line under a time-based code computed on this computer's clock: a wrong code is never
/// silent, and the line says how to get trusted time.
const UNVERIFIED_CLOCK: &str = "warning: this code uses this computer's clock, which Kunci has \
                                not verified; for codes on trusted time use `kunci time sync` \
                                and `kunci codes` (or --vault)";

/// `kunci code URI` and nothing else: the call scripts make in a loop. Any other shape of call,
/// a flag, `-` for standard input, or `$KUNCI_VAULT` (which gives the code trusted time) is for
/// `kunci-full`, whose clap parser knows every form.
pub fn plain_call() -> Option<String> {
    if std::env::var_os("KUNCI_VAULT").is_some() {
        return None;
    }
    let mut args = std::env::args_os().skip(1);
    let (command, uri) = (args.next()?, args.next()?);
    if args.next().is_some() || command != "code" {
        return None;
    }
    uri.into_string().ok().filter(|u| !u.starts_with('-'))
}

/// The code at `at` (Unix seconds, `--at`: exact, for QA), else on this computer's clock, with
/// the warning line when that makes a time-based code unverified. Without a vault there is no
/// trusted time, and no key derivation either: this path stays fast.
pub fn at_or_now(out: &Output, uri: &str, at: Option<u64>) -> Result<Outcome, CliError> {
    let shown = show(out, uri, at.unwrap_or_else(clock::unix_now))?;
    if at.is_none() && is_time_based(uri) {
        eprintln!("{UNVERIFIED_CLOCK}");
    }
    Ok(shown)
}

/// Prints the code of `uri` at Unix time `unix`: the code alone, or with its validity in --json.
pub fn show(out: &Output, uri: &str, unix: u64) -> Result<Outcome, CliError> {
    if let Ok(Payload::Migration(m)) = parse_payload(uri) {
        // A Google export holds several accounts, so it has no single code.
        return Err(CliError::bad_input(format!(
            "this is a Google Authenticator export holding {} account(s), not a single code; \
             see them with `kunci inspect` or enroll them with `kunci add`",
            m.accounts.len() + m.refused.len()
        )));
    }
    let e = parse_uri(uri).map_err(CliError::bad_input)?;
    let view = e.params.view_at(unix).map_err(CliError::bad_input)?;
    let timed = e.params.kind.is_time_based();
    let json = CodeJson {
        code: view.code.clone(),
        valid_from: timed.then_some(view.valid_from),
        valid_until: timed.then_some(view.valid_until),
        next: view.next.clone(),
    };
    out.emit(&json, || view.code.clone());
    Ok(Outcome::Done)
}

/// Whether the time a code is computed at matters: anything but HOTP.
pub fn is_time_based(uri: &str) -> bool {
    !uri.trim()
        .to_ascii_lowercase()
        .starts_with("otpauth://hotp")
}
