//! `kunci`: the desktop and QA command line over the Kunci core.
//!
//! The command names, flags, JSON fields and exit statuses are a contract (DESIGN.md): QA scripts
//! depend on them. Exit 0: done; 1: nothing found / not verified; 2: bad input, with exactly one
//! `error: ...` line on stderr.

mod clock;
mod demo;
mod output;
mod stateless;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kunci",
    version,
    about = "Offline-first authenticator: codes, QR enrollment, trusted time"
)]
struct Cli {
    /// Vault file (default: $KUNCI_VAULT, else the platform data directory).
    #[arg(long, global = true, env = "KUNCI_VAULT")]
    vault: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The code for one otpauth URI ("-" reads the URI from standard input).
    Code {
        uri: String,
        /// Unix time in seconds to compute the code at (default: now).
        #[arg(long)]
        at: Option<u64>,
    },
    /// Show what an otpauth or otpauth-migration URI contains (secrets hidden).
    Inspect { uri: String },
    /// Read every QR code in PNG, JPEG or WebP images.
    Scan {
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
    /// Write an enrollment QR code image for a URI (for a screen or a virtual camera).
    Qr {
        uri: String,
        #[arg(long)]
        out: PathBuf,
        /// Pixels per QR module.
        #[arg(long, default_value_t = 8)]
        scale: u32,
    },
    /// The whole flow on a throwaway vault, offline.
    Demo,
}

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

impl CliError {
    pub fn bad_input(message: impl std::fmt::Display) -> Self {
        CliError {
            status: 2,
            message: message.to_string(),
        }
    }
}

fn main() -> ExitCode {
    // A QR decoder that panics on an odd photo is caught inside the core; keep it off stderr.
    kunci::install_quiet_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // clap explains at length; the contract is one line.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{} (see kunci --help)", first.join(" "));
            return ExitCode::from(2);
        }
    };
    let out = output::Output::new(cli.json);
    let result = match cli.command {
        Command::Code { uri, at } => stateless::code(&out, &read_arg(uri), at),
        Command::Inspect { uri } => stateless::inspect(&out, &read_arg(uri)),
        Command::Scan { images } => stateless::scan(&out, &images),
        Command::Qr {
            uri,
            out: path,
            scale,
        } => stateless::qr(&out, &read_arg(uri), &path, scale),
        Command::Demo => demo::run(&out),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Err(e) => {
            let msg = e.message.replace('\n', " ");
            eprintln!("error: {msg}");
            ExitCode::from(e.status)
        }
    }
}

/// "-" means standard input, so a secret URI need not appear in the process list.
fn read_arg(arg: String) -> String {
    if arg != "-" {
        return arg;
    }
    let mut s = String::new();
    let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
    s.trim().to_string()
}
