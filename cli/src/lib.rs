//! What the two executables of the command line share.
//!
//! - `kunci` (front.rs) answers `kunci code URI` itself, and hands every other call to
//!   `kunci-full`, installed beside it. Scripts call `kunci code` in loops, and that call is all
//!   start-up: the loader's work grows with the executable, and the whole command line is ten
//!   times the code this one call needs (docs/cli.md, "Two executables").
//! - `kunci-full` (main.rs) is the whole command line, clap included.
//!
//! The command names, flags, JSON fields and exit statuses are a contract (docs/cli.md): QA scripts
//! depend on them. Exit 0: done; 1: nothing found / not verified; 2: bad input, with exactly one
//! `error: ...` line on stderr.

pub mod clock;
pub mod code;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub mod entry;
pub mod output;

/// How a command ended when it did not fail.
pub enum Outcome {
    Done,
    NothingFound,
}

/// A failure with the exit status it maps to; the message is one line for the user.
#[derive(Debug)]
pub struct CliError {
    pub status: u8,
    pub message: String,
}

/// The one conversion from the core's error: its sentence, exit status 2 (the user must fix
/// something). Commands use `?` on core calls; none maps errors by hand.
impl From<kunci::KunciError> for CliError {
    fn from(e: kunci::KunciError) -> Self {
        CliError::bad_input(e.detail())
    }
}

impl CliError {
    pub fn bad_input(message: impl std::fmt::Display) -> Self {
        CliError {
            status: 2,
            message: message.to_string(),
        }
    }
}

/// The exit status for how the command ended, with the one `error:` line when it failed.
pub fn finish(result: Result<Outcome, CliError>) -> u8 {
    match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::NothingFound) => 1,
        Err(e) => {
            let msg = e.message.replace('\n', " ");
            eprintln!("error: {}", output::printable(&msg));
            e.status
        }
    }
}

/// Where an executable starts: `kunci_cli::entry_point!(run);` with `run` giving the exit
/// status. On GNU/Linux that is [`entry`]'s C `main`, without the standard runtime's set-up (the
/// executable declares `#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"),
/// no_main)]`); elsewhere (macOS, Windows, musl), and in a test build, whose harness brings its
/// own `main`, it is the standard one.
#[macro_export]
macro_rules! entry_point {
    ($run:path) => {
        // SAFETY: with `#![no_main]` nothing else in the program defines `main`, and the
        // signature is C's `int main(int, char **)`.
        #[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
        #[unsafe(no_mangle)]
        extern "C" fn main(
            _argc: ::std::ffi::c_int,
            _argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            $crate::entry::start($run)
        }

        #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
        fn main() -> ::std::process::ExitCode {
            ::std::process::ExitCode::from($run())
        }
    };
}
