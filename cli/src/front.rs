//! `kunci`: what users and scripts call. It answers `kunci code URI` without a vault by itself
//! (with `--at` and `--json` too) and hands every other call, unchanged, to `kunci-full` in the
//! same folder (lib.rs and docs/cli.md say why).

// GNU/Linux: the process starts at `kunci_cli::entry`, without the standard runtime's set-up.
#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]

use kunci_cli::{code, finish, output::Output, CliError};
use std::path::PathBuf;
use std::process::Command;

/// The executable that holds the whole command line, beside this one.
const FULL: &str = "kunci-full";

kunci_cli::entry_point!(run);

fn run() -> u8 {
    match code::plain_call() {
        Some(call) => finish(code::at_or_now(&Output::new(call.json), &call.uri, call.at)),
        None => hand_over(),
    }
}

/// Runs `kunci-full` with this call's arguments, standard streams and environment. On Unix it
/// replaces this process (exec), so signals, the exit status and the process id are its own.
fn hand_over() -> u8 {
    let full = match full_path() {
        Ok(path) => path,
        Err(e) => return finish(Err(e)),
    };
    let mut args = std::env::args_os();
    let name = args.next();
    let mut command = Command::new(&full);
    command.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Some(name) = name {
            command.arg0(name);
        }
        // Returns only when the exec failed.
        let e = command.exec();
        finish(Err(cannot_start(&full, &e)))
    }
    #[cfg(not(unix))]
    {
        let _ = name;
        match command.status() {
            // A status outside 0..=255 (Windows) is still a failure.
            Ok(status) => status.code().map_or(2, |c| u8::try_from(c).unwrap_or(2)),
            Err(e) => finish(Err(cannot_start(&full, &e))),
        }
    }
}

/// `kunci-full` in this executable's folder (symbolic links to `kunci` resolved first).
fn full_path() -> Result<PathBuf, CliError> {
    let me = std::env::current_exe().map_err(|e| {
        CliError::bad_input(format!(
            "cannot find where kunci is installed ({e}), so not {FULL} either"
        ))
    })?;
    Ok(me.with_file_name(format!("{FULL}{}", std::env::consts::EXE_SUFFIX)))
}

fn cannot_start(full: &std::path::Path, e: &std::io::Error) -> CliError {
    CliError::bad_input(format!(
        "cannot start {} ({e}): every command but `kunci code URI` runs there; install it beside \
         kunci (`cargo install --path cli` installs both)",
        full.display()
    ))
}
