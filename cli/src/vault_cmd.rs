//! Commands over the vault: init, add, list, codes, next, remove, rename, import, export.

use crate::stateless::AccountJson;
use crate::{files, session};
use kunci::{
    fixed_time, Account, ExportFormat, Format, Kunci, KunciError, OnConflict, ReportLine,
    ReportStatus, TimeStatus, Vault, EXPORT_WARNING, MAX_FILE_BYTES,
};
use kunci_cli::output::Output;
use kunci_cli::{clock, CliError, Outcome};

use serde::Serialize;
use std::path::{Path, PathBuf};

/// `init`: the default data folder is created (0700); a folder the user named must exist, so a
/// typo in `--vault` does not silently grow a folder tree.
pub fn init(out: &Output, path: &Path, is_default: bool) -> Result<Outcome, CliError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            if !is_default {
                return Err(CliError::bad_input(format!(
                    "the folder {} does not exist; create it first (or check the path)",
                    dir.display()
                )));
            }
            files::create_private_dir(dir).map_err(|e| {
                CliError::bad_input(format!("cannot create {}: {e}", dir.display()))
            })?;
            out.note(format!(
                "created the folder {} (private to you)",
                dir.display()
            ));
        }
    }
    let pass = session::passphrase("New vault passphrase: ")?;
    if pass.is_empty() {
        return Err(CliError::bad_input("the passphrase must not be empty"));
    }
    let strength = kunci::passphrase_strength(&pass, &[]);
    if !strength.is_acceptable() {
        return Err(CliError::bad_input(format!(
            "this passphrase is too easy to guess. {}",
            strength.advice
        )));
    }
    if std::env::var_os("KUNCI_PASSPHRASE").is_none() {
        let again = session::passphrase("Repeat the passphrase: ")?;
        if again != pass {
            return Err(CliError::bad_input("the passphrases differ"));
        }
    }
    let now = i64::try_from(clock::unix_now()).unwrap_or(0);
    Vault::create(path, &pass, session::kdf(), now).map_err(KunciError::from)?;
    #[derive(Serialize)]
    struct InitJson<'a> {
        vault: &'a Path,
    }
    out.emit(&InitJson { vault: path }, || {
        format!("created an encrypted vault at {}", path.display())
    });
    Ok(Outcome::Done)
}

fn list_json(a: &Account) -> AccountJson {
    let mut j = AccountJson::new(&a.issuer, &a.name, &a.params, vec![]);
    j.id = Some(a.id);
    j
}

pub fn add(
    out: &Output,
    app: &Kunci,
    uri: Option<&str>,
    image: Option<&Path>,
    replace: bool,
    keep_both: bool,
) -> Result<Outcome, CliError> {
    let on_conflict = match (replace, keep_both) {
        (true, _) => OnConflict::Replace,
        (_, true) => OnConflict::KeepBoth,
        _ => OnConflict::Reject,
    };
    // With --replace, an id that was already there was replaced, not added: say so.
    let before: Vec<i64> = if on_conflict == OnConflict::Replace {
        app.accounts()?.accounts.iter().map(|a| a.id).collect()
    } else {
        Vec::new()
    };
    let outcome = match (uri, image) {
        (Some(uri), None) => app.enroll_text(uri, on_conflict),
        (None, Some(path)) => {
            let bytes = files::read_limited(path, files::MAX_IMAGE_FILE_BYTES, "a picture")
                .map_err(CliError::bad_input)?;
            app.enroll_image(&bytes, on_conflict)
        }
        _ => return Err(CliError::bad_input("give either a URI or --image FILE")),
    };
    let outcome = outcome.map_err(|e| match e {
        KunciError::DuplicateAccount { existing_id, .. } => CliError::bad_input(format!(
            "an account with this issuer and name already exists (id {existing_id}); \
             use --replace if the site issued a new secret, or --keep-both"
        )),
        other => other.into(),
    })?;
    #[derive(Serialize)]
    struct AddJson {
        added: Vec<AccountJson>,
        warnings: Vec<String>,
        refused: Vec<(String, String)>,
    }
    let json = AddJson {
        added: outcome.added.iter().map(list_json).collect(),
        warnings: outcome.warnings.clone(),
        refused: outcome.refused.clone(),
    };
    out.emit(&json, || {
        let mut lines: Vec<String> = outcome
            .added
            .iter()
            .map(|a| {
                let verb = if before.contains(&a.id) {
                    "replaced"
                } else {
                    "added"
                };
                format!("{verb} #{}: {}", a.id, label(a))
            })
            .collect();
        lines.extend(outcome.warnings.iter().map(|w| format!("  warning: {w}")));
        lines.extend(
            outcome
                .refused
                .iter()
                .map(|(l, r)| format!("refused {l}: {r}")),
        );
        if let Some(b) = outcome.batch.filter(|b| b.size > 1) {
            lines.push(format!(
                "note: this was QR code {} of {} of a Google export; add the others too",
                u64::from(b.index) + 1,
                b.size
            ));
        }
        lines.join("\n")
    });
    Ok(Outcome::Done)
}

fn label(a: &Account) -> String {
    if a.issuer.is_empty() {
        a.name.clone()
    } else {
        format!("{} ({})", a.issuer, a.name)
    }
}

pub fn list(out: &Output, app: &Kunci) -> Result<Outcome, CliError> {
    let list = app.accounts()?;
    let rows: Vec<AccountJson> = list.accounts.iter().map(list_json).collect();
    out.emit(&rows, || {
        let mut lines: Vec<String> = list
            .accounts
            .iter()
            .map(|a| {
                format!(
                    "{:>4}  {}  [{} {} {}]",
                    a.id,
                    label(a),
                    a.params.kind.as_str(),
                    a.params.algorithm.as_str(),
                    a.params.digits
                )
            })
            .collect();
        for f in &list.failures {
            lines.push(format!("{:>4}  (unreadable: {})", f.id, f.error));
        }
        if lines.is_empty() {
            lines.push("the vault is empty (add an account with `kunci add URI`)".into());
        }
        lines.join("\n")
    });
    Ok(if list.accounts.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

#[derive(Serialize)]
struct TimeJson {
    status: TimeStatus,
    offset_ms: i64,
    uncertainty_ms: u64,
}

#[derive(Serialize)]
struct CodeJson {
    id: i64,
    issuer: String,
    account: String,
    kind: &'static str,
    code: String,
    /// Unix seconds; null for HOTP (valid until used).
    valid_until: Option<u64>,
    next: String,
}

#[derive(Serialize)]
struct CodesJson {
    time: TimeJson,
    codes: Vec<CodeJson>,
    unreadable: Vec<i64>,
}

pub fn codes(out: &Output, app: &Kunci, at: Option<u64>) -> Result<Outcome, CliError> {
    let at = match at {
        Some(t) => Some(fixed_time(
            i64::try_from(t)
                .ok()
                .and_then(|s| s.checked_mul(1000))
                .ok_or_else(|| CliError::bad_input("--at is out of range"))?,
        )),
        None => None,
    };
    let sheet = app.codes(at)?;
    let json = CodesJson {
        time: TimeJson {
            status: sheet.time.status,
            offset_ms: sheet.time.offset_ms,
            uncertainty_ms: sheet.time.uncertainty_ms,
        },
        codes: sheet
            .codes
            .iter()
            .map(|c| CodeJson {
                id: c.account.id,
                issuer: c.account.issuer.clone(),
                account: c.account.name.clone(),
                kind: c.account.params.kind.as_str(),
                code: c.view.code.clone(),
                valid_until: c
                    .account
                    .params
                    .kind
                    .is_time_based()
                    .then_some(c.view.valid_until),
                next: c.view.next.clone(),
            })
            .collect(),
        unreadable: sheet.unreadable.iter().map(|f| f.id).collect(),
    };
    out.emit(&json, || {
        let now = u64::try_from(sheet.time.unix_seconds()).unwrap_or(0);
        let mut lines = vec![format!(
            "time: {} (offset {:+.1} s, ±{:.1} s)",
            sheet.time.status.as_str(),
            sheet.time.offset_ms as f64 / 1000.0,
            sheet.time.uncertainty_ms as f64 / 1000.0
        )];
        if sheet.time_warning {
            lines.push(
                "warning: the time is uncertain; codes may be a step off — run `kunci time sync`"
                    .into(),
            );
        }
        for c in &sheet.codes {
            let left = if c.account.params.kind.is_time_based() {
                format!("{:>3}s", c.view.valid_until.saturating_sub(now))
            } else {
                "  #".to_string() + &c.view.counter.to_string()
            };
            lines.push(format!(
                "{:>4}  {:<10}  {left}  {}",
                c.account.id,
                c.view.code,
                label(&c.account)
            ));
        }
        for f in &sheet.unreadable {
            lines.push(format!("{:>4}  unreadable: {}", f.id, f.error));
        }
        lines.join("\n")
    });
    Ok(if sheet.codes.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

pub fn next(out: &Output, app: &Kunci, id: i64) -> Result<Outcome, CliError> {
    let code = app.next_hotp(id)?;
    #[derive(Serialize)]
    struct NextJson<'a> {
        id: i64,
        code: &'a str,
    }
    out.emit(&NextJson { id, code: &code }, || code.clone());
    Ok(Outcome::Done)
}

pub fn remove(out: &Output, app: &Kunci, id: i64) -> Result<Outcome, CliError> {
    app.remove(id)?;
    #[derive(Serialize)]
    struct RemoveJson {
        removed: i64,
    }
    out.emit(&RemoveJson { removed: id }, || format!("removed #{id}"));
    Ok(Outcome::Done)
}

pub fn rename(
    out: &Output,
    app: &Kunci,
    id: i64,
    issuer: Option<String>,
    name: Option<String>,
) -> Result<Outcome, CliError> {
    if issuer.is_none() && name.is_none() {
        return Err(CliError::bad_input(
            "nothing to change: give --issuer and/or --name",
        ));
    }
    let a = app.rename(id, issuer.as_deref(), name.as_deref())?;
    out.emit(&list_json(&a), || format!("#{}: {}", a.id, label(&a)));
    Ok(Outcome::Done)
}

pub fn parse_import_format(name: &str) -> Result<Option<Format>, CliError> {
    if name.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    Format::from_name(name).map(Some).ok_or_else(|| {
        let names: Vec<&str> = kunci::formats().iter().map(|f| f.name).collect();
        CliError::bad_input(format!(
            "unknown format {name:?} (use auto, {}; see --list-formats)",
            names.join(", ")
        ))
    })
}

/// `kunci import --list-formats`: the registry table, as the FFI's `import_formats` gives it.
pub fn list_formats(out: &Output) -> Result<Outcome, CliError> {
    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        aliases: &'static [&'static str],
        title: &'static str,
        keeps: &'static str,
        cannot: &'static str,
    }
    let rows: Vec<Row> = kunci::formats()
        .into_iter()
        .map(|f| Row {
            name: f.name,
            aliases: f.aliases,
            title: f.title,
            keeps: f.keeps,
            cannot: f.cannot,
        })
        .collect();
    out.emit(&rows, || {
        // The widest name and two spaces: "authenticator-plus" ran into its title at 14.
        let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(0) + 2;
        let mut text = String::new();
        for r in &rows {
            text.push_str(&format!("{:<w$}{}\n", r.name, r.title));
            text.push_str(&format!("{:<w$}keeps: {}\n", "", r.keeps));
            if !r.cannot.is_empty() {
                text.push_str(&format!("{:<w$}cannot: {}\n", "", r.cannot));
            }
        }
        text.trim_end().to_string()
    });
    Ok(Outcome::Done)
}

/// One entry of an import, as `--json` shows it.
#[derive(Serialize)]
struct Line {
    label: String,
    status: &'static str,
    reason: Option<String>,
}

fn entry_json(l: &ReportLine) -> Line {
    let (status, reason) = match &l.status {
        ReportStatus::Added => ("added", None),
        ReportStatus::Duplicate => ("duplicate", None),
        ReportStatus::Refused { reason } => ("refused", Some(reason.clone())),
    };
    Line {
        label: l.label.clone(),
        status,
        reason,
    }
}

pub fn import(
    out: &Output,
    app: &Kunci,
    format: Option<Format>,
    files: &[PathBuf],
    allow_slow_kdf: bool,
) -> Result<Outcome, CliError> {
    let mut contents = Vec::with_capacity(files.len());
    for file in files {
        contents.push(
            files::read_limited(file, MAX_FILE_BYTES as u64, "an authenticator backup")
                .map_err(CliError::bad_input)?,
        );
    }
    let slices: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
    let env_password = std::env::var("KUNCI_IMPORT_PASSWORD").ok();
    let run = |password: Option<&str>| {
        let options = kunci::ImportOptions {
            password,
            allow_costly_kdf: allow_slow_kdf,
            cancel: None,
        };
        app.import_files(&slices, format, &options)
    };
    let (formats, outcome) = match run(env_password.as_deref()) {
        Err(KunciError::PasswordRequired { .. }) if env_password.is_none() => {
            let pw = session::secret_from_env_or_prompt(
                "KUNCI_IMPORT_PASSWORD",
                "Password of the file to import: ",
            )?;
            let pw = String::from_utf8_lossy(pw.expose()).into_owned();
            let pw = zeroize::Zeroizing::new(pw);
            run(Some(pw.as_str()))
        }
        other => other,
    }
    .map_err(|e| match e {
        KunciError::ConfirmationRequired { detail } => {
            CliError::bad_input(format!("{detail} (run again with --allow-slow-kdf)"))
        }
        other => other.into(),
    })?;
    let names: Vec<&str> = formats.iter().map(|f| f.as_str()).collect();
    out.note(format!("format: {}", names.join(", ")));
    #[derive(Serialize)]
    struct ImportJson {
        formats: Vec<&'static str>,
        added: usize,
        duplicates: usize,
        refused: usize,
        entries: Vec<Line>,
        warnings: Vec<String>,
    }
    let report = outcome.report();
    let json = ImportJson {
        formats: formats.iter().map(|f| f.as_str()).collect(),
        added: outcome.added.len(),
        duplicates: outcome.duplicates.len(),
        refused: outcome.refused.len(),
        entries: report.iter().map(entry_json).collect(),
        warnings: outcome.warnings.iter().map(|w| w.to_string()).collect(),
    };
    out.emit(&json, || {
        let mut lines: Vec<String> = report.iter().map(|l| l.to_string()).collect();
        lines.extend(json.warnings.iter().map(|w| format!("warning: {w}")));
        lines.push(format!(
            "{} added, {} already present, {} refused",
            json.added, json.duplicates, json.refused
        ));
        lines.join("\n")
    });
    Ok(if json.added == 0 && json.duplicates == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

/// `export --format`: the choices `--help` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportChoice {
    /// Kunci's encrypted backup.
    Kunci,
    /// otpauth URIs, one per line (NOT encrypted).
    Uris,
    /// Aegis JSON (encrypted with --encrypt).
    Aegis,
    /// 2FAS backup (encrypted with --encrypt).
    #[value(name = "2fas")]
    TwoFas,
    /// One otpauth:// QR code per account as numbered PNG pictures (NOT encrypted), for apps
    /// that only scan, such as FreeOTP.
    Qr,
    /// Google Authenticator export QR codes as PNG pictures (NOT encrypted).
    GoogleQr,
}

/// `--encrypt` only means something for Aegis and 2FAS (a Kunci backup is always encrypted); with a
/// plain format it would promise what the file does not do.
pub fn check_export(format: ExportChoice, encrypt: bool) -> Result<(), CliError> {
    match (format, encrypt) {
        (ExportChoice::Uris | ExportChoice::Qr | ExportChoice::GoogleQr, true) => {
            Err(CliError::bad_input(
                "--encrypt does not apply to this format, which is plain text by nature; \
             use --format kunci, or --format aegis or 2fas with --encrypt, for an encrypted export",
            ))
        }
        _ => Ok(()),
    }
}

/// `import --format` choices: auto and every registry name (aliases accepted too).
pub fn import_format_names() -> clap::builder::PossibleValuesParser {
    let mut values = vec![clap::builder::PossibleValue::new("auto")];
    for f in kunci::formats() {
        values.push(clap::builder::PossibleValue::new(f.name).aliases(f.aliases.iter().copied()));
    }
    clap::builder::PossibleValuesParser::new(values)
}

pub fn export(
    out: &Output,
    app: &Kunci,
    format: ExportChoice,
    path: &Path,
    encrypt: bool,
    force: bool,
) -> Result<Outcome, CliError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(exists_error(path));
    }
    check_export(format, encrypt)?;
    let outputs = export_files(out, app, format, path, encrypt)?;
    // Refuse before writing any, so a numbered set is never half replaced.
    if !force {
        if let Some((target, _)) = outputs.iter().find(|(t, _)| t.symlink_metadata().is_ok()) {
            return Err(exists_error(target));
        }
    }
    for (target, bytes) in &outputs {
        files::write_secret_file(target, bytes, force)
            .map_err(|e| CliError::bad_input(format!("cannot write {}: {e}", target.display())))?;
    }
    #[derive(Serialize)]
    struct ExportJson {
        files: Vec<std::path::PathBuf>,
    }
    let json = ExportJson {
        files: outputs.iter().map(|(p, _)| p.clone()).collect(),
    };
    out.emit(&json, || {
        json.files
            .iter()
            .map(|p| format!("wrote {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(Outcome::Done)
}

/// The export password, from the environment or a prompt; never empty (an empty password
/// encrypts with a key anyone can derive).
fn export_password() -> Result<zeroize::Zeroizing<String>, CliError> {
    let pw =
        session::secret_from_env_or_prompt("KUNCI_EXPORT_PASSWORD", "Password for the export: ")?;
    if pw.is_empty() {
        return Err(CliError::bad_input("the export password must not be empty"));
    }
    Ok(zeroize::Zeroizing::new(
        String::from_utf8_lossy(pw.expose()).into_owned(),
    ))
}

/// The files an export writes, with their bytes (nothing written yet).
fn export_files(
    out: &Output,
    app: &Kunci,
    format: ExportChoice,
    path: &Path,
    encrypt: bool,
) -> Result<Vec<(std::path::PathBuf, Vec<u8>)>, CliError> {
    let kdf = session::kdf();
    let one = |bytes: &[u8]| vec![(path.to_path_buf(), bytes.to_vec())];
    let plain_or_encrypted = |what: ExportFormat| -> Result<_, CliError> {
        let pw = if encrypt {
            Some(export_password()?)
        } else {
            None
        };
        let bytes = app.export(what, pw.as_ref().map(|p| p.as_str()), &kdf)?;
        if pw.is_none() {
            out.note(EXPORT_WARNING);
        }
        Ok(one(&bytes))
    };
    match format {
        ExportChoice::Kunci => {
            let pw = export_password()?;
            Ok(one(&app.export(
                ExportFormat::Kunci,
                Some(pw.as_str()),
                &kdf,
            )?))
        }
        ExportChoice::Aegis => plain_or_encrypted(ExportFormat::Aegis),
        ExportChoice::TwoFas => plain_or_encrypted(ExportFormat::TwoFas),
        ExportChoice::Uris => {
            let bytes = app.export(ExportFormat::Uris, None, &kdf)?;
            out.note(EXPORT_WARNING);
            Ok(one(&bytes))
        }
        // One otpauth:// QR code per account: what FreeOTP (which only scans) needs; the same
        // pictures as the apps' per-account transfer screen.
        ExportChoice::Qr => {
            let pngs = app.account_qr_pngs(6)?;
            out.note("These QR codes hold your secrets unencrypted: delete them after scanning.");
            Ok(pngs
                .iter()
                .enumerate()
                .map(|(i, png)| (numbered(path, i + 1), png.to_vec()))
                .collect())
        }
        ExportChoice::GoogleQr => {
            let text = app.export(ExportFormat::GoogleUris, None, &kdf)?;
            google_qr_pictures(out, &text, path)
        }
    }
}

/// A PNG per Google export URI line of `text`: `path` itself when there is one, else numbered
/// files beside it.
fn google_qr_pictures(
    out: &Output,
    text: &[u8],
    path: &Path,
) -> Result<Vec<(std::path::PathBuf, Vec<u8>)>, CliError> {
    let uris: Vec<&str> = std::str::from_utf8(text)
        .map_err(|e| CliError::bad_input(e.to_string()))?
        .lines()
        .filter(|l| !l.is_empty())
        .collect();
    let numbers = uris.len() > 1;
    let mut outputs = Vec::new();
    for (i, uri) in uris.iter().enumerate() {
        let png = kunci::render_png(uri, 6).map_err(KunciError::from)?;
        let target = if numbers {
            numbered(path, i + 1)
        } else {
            path.to_path_buf()
        };
        outputs.push((target, png));
    }
    out.note("These QR codes hold your secrets unencrypted: delete them after scanning.");
    Ok(outputs)
}

/// `codes.png` → `codes-2.png`: one file per Google export QR code.
fn numbered(path: &Path, n: usize) -> std::path::PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}-{n}{ext}"))
}

fn exists_error(path: &Path) -> CliError {
    CliError::bad_input(format!(
        "{} already exists; choose another name or add --force",
        path.display()
    ))
}
