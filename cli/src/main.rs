//! `kunci-full`: the whole desktop and QA command line over the Kunci core. Users call `kunci`,
//! which answers `kunci code URI` itself and hands every other call here (lib.rs says why).
//!
//! The command names, flags, JSON fields and exit statuses are a contract (docs/cli.md): QA scripts
//! depend on them. Exit 0: done; 1: nothing found / not verified; 2: bad input, with exactly one
//! `error: ...` line on stderr.

// GNU/Linux: the process starts at `kunci_cli::entry`, without the standard runtime's set-up.
#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]

mod demo;
mod doctor_cmd;
mod files;
mod https;
mod session;
mod stateless;
mod time_cmd;
mod vault_cmd;

use clap::{CommandFactory, Parser, Subcommand};
use kunci_cli::{code, finish, output, CliError, Outcome};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "kunci",
    // Usage and errors say `kunci` when called as kunci-full too.
    bin_name = "kunci",
    version,
    about = "Offline-first authenticator: codes, QR enrollment, trusted time"
)]
struct Cli {
    /// Vault file (default: $KUNCI_VAULT, else the platform data directory). Also accepted after
    /// the commands that use the vault.
    #[arg(long, env = "KUNCI_VAULT", value_name = "PATH")]
    vault: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// `--vault` after a command: only the commands that use the vault have it, so `--help` of the
/// others does not offer an option they would ignore.
#[derive(clap::Args)]
struct VaultArg {
    /// Vault file (default: --vault before the command, $KUNCI_VAULT, else the platform data
    /// directory).
    #[arg(long = "vault", value_name = "PATH")]
    path: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// The code for one otpauth URI ("-" reads the URI from standard input).
    Code {
        #[command(flatten)]
        vault: VaultArg,
        /// An otpauth:// URI, or "-" to read it from standard input.
        uri: String,
        /// Unix time in seconds to compute the code at (default: now).
        #[arg(long, allow_negative_numbers = true)]
        at: Option<i64>,
    },
    /// Show what an otpauth or otpauth-migration URI contains (secrets hidden).
    Inspect {
        /// An otpauth:// or otpauth-migration:// URI, or "-" for standard input.
        uri: String,
    },
    /// Read every QR code in PNG, JPEG or WebP images.
    Scan {
        /// The picture files; results are printed in this order.
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// How many pictures to decode at once (default: one per processor core, at most 4).
        #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: Option<u16>,
    },
    /// Write an enrollment QR code image for a URI (for a screen or a virtual camera).
    Qr {
        /// The otpauth:// or otpauth-migration:// URI to encode, or "-" for standard input.
        uri: String,
        /// The PNG file to write.
        #[arg(long)]
        out: PathBuf,
        /// Pixels per QR module.
        #[arg(long, default_value_t = 8)]
        scale: u32,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// The whole flow on a throwaway vault, offline.
    Demo,
    /// Create an encrypted vault (passphrase from KUNCI_PASSPHRASE or a prompt).
    Init {
        #[command(flatten)]
        vault: VaultArg,
    },
    /// Enroll an account from an otpauth / Google export URI, or from a QR image.
    Add {
        #[command(flatten)]
        vault: VaultArg,
        /// otpauth:// or otpauth-migration:// URI ("-" reads it from stdin).
        #[arg(required_unless_present = "image", conflicts_with = "image")]
        uri: Option<String>,
        /// A screenshot or photo of the enrollment QR code.
        #[arg(long)]
        image: Option<PathBuf>,
        /// Replace an existing account with the same issuer and name (after a "Reset MFA").
        #[arg(long, conflicts_with = "keep_both")]
        replace: bool,
        /// Keep an existing account with the same issuer and name beside the new one.
        #[arg(long)]
        keep_both: bool,
    },
    /// The accounts in the vault (no secrets).
    List {
        #[command(flatten)]
        vault: VaultArg,
    },
    /// Every account's code at the trusted time.
    Codes {
        #[command(flatten)]
        vault: VaultArg,
        /// Unix time in seconds instead of the trusted time.
        #[arg(long, allow_negative_numbers = true)]
        at: Option<i64>,
    },
    /// Advance an HOTP account's counter and show the new code.
    Next {
        #[command(flatten)]
        vault: VaultArg,
        /// The account's number, as `kunci list` shows it.
        id: i64,
    },
    /// Delete an account.
    Remove {
        #[command(flatten)]
        vault: VaultArg,
        /// The account's number, as `kunci list` shows it.
        id: i64,
    },
    /// Change an account's issuer and/or name.
    Rename {
        #[command(flatten)]
        vault: VaultArg,
        /// The account's number, as `kunci list` shows it.
        id: i64,
        /// The new issuer (the service, e.g. "ASN Digital").
        #[arg(long)]
        issuer: Option<String>,
        /// The new account name (e.g. your e-mail or NIP).
        #[arg(long)]
        name: Option<String>,
    },
    /// Import another app's export or a Kunci backup (password from KUNCI_IMPORT_PASSWORD or a prompt).
    Import {
        #[command(flatten)]
        vault: VaultArg,
        /// The file's format, or auto to detect it (see --list-formats).
        #[arg(long, default_value = "auto", ignore_case = true, value_parser = vault_cmd::import_format_names())]
        format: String,
        /// Print every format Kunci reads, with what it keeps and cannot, and exit.
        #[arg(long)]
        list_formats: bool,
        /// Allow a key derivation above the usual bound (Ente's "sensitive" setting, 1 GiB).
        #[arg(long)]
        allow_slow_kdf: bool,
        /// One file, or several QR pictures of one Google Authenticator export.
        #[arg(required_unless_present = "list_formats")]
        files: Vec<PathBuf>,
    },
    /// Export the vault: kunci (encrypted backup), uris, aegis, 2fas, qr (a PNG per account) or
    /// google-qr (PNG images).
    Export {
        #[command(flatten)]
        vault: VaultArg,
        /// What to write.
        #[arg(long, value_enum)]
        format: vault_cmd::ExportChoice,
        /// The file to write (google-qr: numbered PNG files beside it when there are several).
        #[arg(long)]
        out: PathBuf,
        /// Encrypt an Aegis or 2FAS export (password from KUNCI_EXPORT_PASSWORD or a prompt).
        #[arg(long)]
        encrypt: bool,
        /// Replace the output file(s) if they exist.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output, e.g. `kunci man > kunci.1`.
    Man,
    /// Why a portal says "Invalid Authenticator Code": findings for one account (or all).
    Doctor {
        #[command(flatten)]
        vault: VaultArg,
        /// The account's id (see `kunci list`); all accounts when left out.
        id: Option<i64>,
    },
    /// Trusted time: sync, status, and a skewed NTP server for QA.
    Time {
        #[command(subcommand)]
        command: TimeCommand,
    },
}

#[derive(Subcommand)]
enum TimeCommand {
    /// Ask several time servers and move the trusted clock if a majority agrees.
    Sync {
        #[command(flatten)]
        vault: VaultArg,
        /// An NTP server (host or host:port); repeat for several. Default: public operators.
        #[arg(long)]
        ntp: Vec<String>,
        /// An http(s) URL whose Date header is a source; repeat for several.
        #[arg(long)]
        https: Vec<String>,
        /// A Roughtime server as KEY@host:port (KEY: its public key in base64); repeat.
        #[arg(long)]
        roughtime: Vec<String>,
        /// Agreeing sources needed (default 3, or all given sources if fewer).
        #[arg(long)]
        quorum: Option<usize>,
    },
    /// The trusted time's status, for helpdesk tickets (no secrets).
    Status {
        #[command(flatten)]
        vault: VaultArg,
    },
    /// Whose clock is wrong: a portal's HTTPS Date compared with trusted time.
    Check {
        #[command(flatten)]
        vault: VaultArg,
        /// The portal's address, e.g. https://asndigital.bkn.go.id/
        url: String,
    },
    /// Serve NTP at the wall clock plus an offset (point an emulator at it).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:1123 or 0.0.0.0:1123.
        #[arg(long)]
        listen: String,
        /// Seconds to add to the wall clock (negative: behind).
        #[arg(long, allow_hyphen_values = true)]
        offset: f64,
        /// Stop after this many seconds (default: run until interrupted).
        #[arg(long)]
        duration: Option<u64>,
        /// Stop after answering this many requests.
        #[arg(long)]
        max_requests: Option<u64>,
        /// Serve Roughtime (signed with a fixed test key) instead of NTP.
        #[arg(long)]
        roughtime: bool,
    },
}

impl Command {
    /// The `--vault` given after the command, for the commands that have one.
    fn vault_flag(&self) -> Option<&std::path::Path> {
        let arg = match self {
            Command::Code { vault, .. }
            | Command::Init { vault }
            | Command::Add { vault, .. }
            | Command::List { vault }
            | Command::Codes { vault, .. }
            | Command::Next { vault, .. }
            | Command::Remove { vault, .. }
            | Command::Rename { vault, .. }
            | Command::Import { vault, .. }
            | Command::Export { vault, .. }
            | Command::Doctor { vault, .. } => vault,
            Command::Time {
                command:
                    TimeCommand::Sync { vault, .. }
                    | TimeCommand::Status { vault }
                    | TimeCommand::Check { vault, .. },
            } => vault,
            Command::Inspect { .. }
            | Command::Scan { .. }
            | Command::Qr { .. }
            | Command::Demo
            | Command::Completions { .. }
            | Command::Man
            | Command::Time {
                command: TimeCommand::Serve { .. },
            } => return None,
        };
        arg.path.as_deref()
    }
}

kunci_cli::entry_point!(run);

/// Runs the command line and gives the exit status (see the crate's doc).
fn run() -> u8 {
    // A QR decoder that panics on an odd photo is caught inside the core; keep it off stderr.
    kunci::install_quiet_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // Bare `kunci` (or `kunci time`): the contract's one error line, not a help page.
                eprintln!("error: a command is needed (see kunci --help)");
                return 2;
            }
            // clap explains at length; the contract is one line.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{} (see kunci --help)", first.join(" "));
            return 2;
        }
    };
    let out = output::Output::new(cli.json);
    // After the command it names this run's vault; before it (or $KUNCI_VAULT) the default.
    let vault = cli.command.vault_flag().map(PathBuf::from).or(cli.vault);
    let result = match cli.command {
        Command::Code { uri, at, .. } => code_cmd(&out, vault.as_deref(), uri, at),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "kunci", &mut std::io::stdout());
            Ok(Outcome::Done)
        }
        Command::Man => man_page(),
        Command::Inspect { uri } => stateless::inspect(&out, &read_arg(uri)),
        Command::Scan { images, jobs } => stateless::scan(&out, &images, jobs.map(usize::from)),
        Command::Qr {
            uri,
            out: path,
            scale,
            force,
        } => stateless::qr(&out, &read_arg(uri), &path, scale, force),
        Command::Demo => demo::run(&out),
        Command::Import {
            list_formats: true, ..
        } => vault_cmd::list_formats(&out),
        Command::Init { .. } => vault_cmd::init(
            &out,
            &session::vault_path(vault.as_deref()),
            vault.is_none(),
        ),
        Command::Time {
            command:
                TimeCommand::Serve {
                    listen,
                    offset,
                    duration,
                    max_requests,
                    roughtime,
                },
        } => time_cmd::serve_cmd(&out, &listen, offset, duration, max_requests, roughtime),
        command => with_vault(&out, vault.as_deref(), command),
    };
    finish(result)
}

/// `kunci code`: the code for one URI, on the vault's trusted time when there is a vault.
fn code_cmd(
    out: &output::Output,
    vault: Option<&std::path::Path>,
    uri: String,
    at: Option<i64>,
) -> Result<Outcome, CliError> {
    let uri = read_arg(uri);
    let at = unix_at(at)?;
    match vault.filter(|p| p.exists()) {
        Some(path) if at.is_none() => time_cmd::code_on_trusted_time(out, path, &uri),
        _ => code::at_or_now(out, &uri, at),
    }
}

/// Commands that need the open vault.
fn with_vault(
    out: &output::Output,
    vault: Option<&std::path::Path>,
    command: Command,
) -> Result<Outcome, CliError> {
    check_before_unlock(&command)?;
    let path = session::vault_path(vault);
    let config = match &command {
        Command::Time {
            command:
                TimeCommand::Sync {
                    ntp,
                    https,
                    roughtime,
                    quorum,
                    ..
                },
        } => time_cmd::sync_config(ntp, https, roughtime, *quorum)?,
        _ => kunci::SyncConfig::default(),
    };
    let app = session::open(&path, config)?;
    match command {
        Command::Add {
            uri,
            image,
            replace,
            keep_both,
            ..
        } => vault_cmd::add(
            out,
            &app,
            uri.map(read_arg).as_deref(),
            image.as_deref(),
            replace,
            keep_both,
        ),
        Command::List { .. } => vault_cmd::list(out, &app),
        Command::Codes { at, .. } => vault_cmd::codes(out, &app, unix_at(at)?),
        Command::Next { id, .. } => vault_cmd::next(out, &app, id),
        Command::Remove { id, .. } => vault_cmd::remove(out, &app, id),
        Command::Rename {
            id, issuer, name, ..
        } => vault_cmd::rename(out, &app, id, issuer, name),
        Command::Import {
            format,
            files,
            allow_slow_kdf,
            ..
        } => vault_cmd::import(
            out,
            &app,
            vault_cmd::parse_import_format(&format)?,
            &files,
            allow_slow_kdf,
        ),
        Command::Export {
            format,
            out: path,
            encrypt,
            force,
            ..
        } => vault_cmd::export(out, &app, format, &path, encrypt, force),
        Command::Time {
            command: TimeCommand::Sync { .. },
        } => time_cmd::sync(out, &app),
        Command::Time {
            command: TimeCommand::Status { .. },
        } => time_cmd::status(out, &app),
        Command::Time {
            command: TimeCommand::Check { url, .. },
        } => time_cmd::check(out, &app, &url),
        Command::Doctor { id, .. } => doctor_cmd::run(out, &app, id),
        _ => Err(CliError::bad_input("this command does not use the vault")),
    }
}

/// Argument mistakes found before the passphrase prompt and the slow unlock, not after.
fn check_before_unlock(command: &Command) -> Result<(), CliError> {
    match command {
        Command::Add {
            image: Some(path), ..
        } if !path.is_file() => Err(CliError::bad_input(format!(
            "cannot read {}: no such file",
            path.display()
        ))),
        Command::Import { files, .. } => match files.iter().find(|f| !f.is_file()) {
            Some(f) => Err(CliError::bad_input(format!(
                "cannot read {}: no such file",
                f.display()
            ))),
            None => Ok(()),
        },
        Command::Export {
            format, encrypt, ..
        } => vault_cmd::check_export(*format, *encrypt),
        Command::Rename {
            issuer: None,
            name: None,
            ..
        } => Err(CliError::bad_input(
            "nothing to change: give --issuer and/or --name",
        )),
        Command::Codes { at, .. } => unix_at(*at).map(|_| ()),
        _ => Ok(()),
    }
}

/// `--at`: Unix seconds, refused before 1970 with a sentence (not as an unknown argument).
fn unix_at(at: Option<i64>) -> Result<Option<u64>, CliError> {
    at.map(|t| {
        u64::try_from(t).map_err(|_| {
            CliError::bad_input("--at must be a Unix time in seconds, 0 (1970) or later")
        })
    })
    .transpose()
}

/// `kunci man`: the manual page from the same definitions as --help (clap_mangen).
fn man_page() -> Result<Outcome, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CliError::bad_input(format!("cannot render the manual: {e}")))?;
    std::io::Write::write_all(&mut std::io::stdout(), &page)
        .map_err(|e| CliError::bad_input(format!("cannot write the manual: {e}")))?;
    Ok(Outcome::Done)
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
