//! `kunci code`: the code for one URI.
//!
//! `kunci` answers the plain calls ([`plain_call`]) with [`at_or_now`] by itself; `kunci-full`
//! answers every other form (`-` for standard input, a vault's trusted time) with the same
//! functions, so both print the same (cli/tests/process.rs compares them).

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

/// A `kunci code` call that needs no vault, as `kunci` answers it by itself.
#[derive(Debug, PartialEq)]
pub struct PlainCall {
    pub uri: String,
    /// `--at`: Unix seconds.
    pub at: Option<u64>,
    /// `--json`, before or after `code`.
    pub json: bool,
}

/// This process's call, when it is a plain one (see [`parse_plain`]) and `$KUNCI_VAULT` is unset
/// (a vault gives the code trusted time).
pub fn plain_call() -> Option<PlainCall> {
    if std::env::var_os("KUNCI_VAULT").is_some() {
        return None;
    }
    parse_plain(std::env::args_os().skip(1))
}

/// `code URI`, with `--json` (before or after `code`), `--at UNIX` or `--at=UNIX`, and `--`
/// before the URI: the calls scripts and QA make in loops. Anything else gives `None` and goes
/// to `kunci-full`, whose clap parser knows every form and every error message: another option
/// (`--vault`, `--help`), a flag given twice, an `--at` that is not a Unix time of 1970 or later,
/// `-` for standard input, no URI or two, an argument that is not UTF-8. What `kunci` accepts here
/// clap reads the same way (cli/tests/process.rs compares the two on each form).
pub fn parse_plain(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<PlainCall> {
    let mut args = args.into_iter().map(|a| a.into_string().ok());
    let (mut command, mut uri, mut at, mut json, mut positional_only) =
        (false, None, None, false, false);
    while let Some(arg) = args.next() {
        let arg = arg?;
        if !positional_only && arg.starts_with('-') {
            match arg.as_str() {
                "--json" if !json => json = true,
                "--" if command => positional_only = true,
                "--at" if command && at.is_none() => at = Some(unix_seconds(&args.next()??)?),
                _ => match arg.strip_prefix("--at=") {
                    Some(value) if command && at.is_none() => at = Some(unix_seconds(value)?),
                    _ => return None,
                },
            }
        } else if !command {
            (arg == "code").then_some(())?;
            command = true;
        } else if uri.is_none() && arg != "-" {
            uri = Some(arg);
        } else {
            return None;
        }
    }
    Some(PlainCall {
        uri: uri?,
        at,
        json,
    })
}

/// An `--at` value `kunci` takes as it is: digits of a time from 1970 on (clap parses the same
/// text as an i64; a negative one is refused by kunci-full with its own sentence).
fn unix_seconds(value: &str) -> Option<u64> {
    let t: i64 = value.parse().ok()?;
    u64::try_from(t).ok()
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

#[cfg(test)]
mod tests {
    use super::{parse_plain, PlainCall};

    fn parse(args: &[&str]) -> Option<PlainCall> {
        parse_plain(args.iter().map(std::ffi::OsString::from))
    }

    fn call(uri: &str, at: Option<u64>, json: bool) -> Option<PlainCall> {
        let uri = uri.to_string();
        Some(PlainCall { uri, at, json })
    }

    #[test]
    fn the_forms_scripts_use_are_plain() {
        assert_eq!(parse(&["code", "u"]), call("u", None, false));
        assert_eq!(parse(&["--json", "code", "u"]), call("u", None, true));
        assert_eq!(parse(&["code", "u", "--json"]), call("u", None, true));
        assert_eq!(
            parse(&["code", "--at", "59", "u"]),
            call("u", Some(59), false)
        );
        assert_eq!(parse(&["code", "u", "--at=0"]), call("u", Some(0), false));
        assert_eq!(parse(&["code", "--", "-u"]), call("-u", None, false));
    }

    #[test]
    fn every_other_form_goes_to_kunci_full() {
        for args in [
            &["code"][..],
            &["code", "-"],
            &["code", "u", "v"],
            &["code", "--vault", "v", "u"],
            &["--vault", "v", "code", "u"],
            &["code", "-h"],
            &["code", "--at", "-1", "u"],
            &["code", "--at", "x", "u"],
            &["code", "--at"],
            &["code", "--at", "1", "--at", "2", "u"],
            &["--json", "--json", "code", "u"],
            &["--at", "1", "code", "u"],
            &["inspect", "u"],
            &["-", "u"],
        ] {
            assert_eq!(parse(args), None, "{args:?}");
        }
    }
}
