//! Commands that need no vault: inspect, scan, qr (and `code`, in code.rs).

use kunci::{parse_payload, Enrollment, OtpKind, OtpParams, Payload, QrError};
use kunci_cli::output::{hex, Output};
use kunci_cli::{CliError, Outcome};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The public description of an account: everything but the secret.
#[derive(Serialize)]
pub struct AccountJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub issuer: String,
    pub account: String,
    pub kind: &'static str,
    pub algorithm: &'static str,
    pub digits: u8,
    pub period: Option<u32>,
    pub counter: Option<u64>,
    pub secret_bits: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl AccountJson {
    pub fn new(issuer: &str, name: &str, p: &OtpParams, warnings: Vec<String>) -> Self {
        AccountJson {
            id: None,
            issuer: issuer.to_string(),
            account: name.to_string(),
            kind: p.kind.as_str(),
            algorithm: p.algorithm.as_str(),
            digits: p.digits,
            period: p.kind.is_time_based().then_some(p.period),
            counter: (p.kind == OtpKind::Hotp).then_some(p.counter),
            secret_bits: p.secret.len() * 8,
            warnings,
        }
    }

    fn from_enrollment(e: &Enrollment) -> Self {
        let warnings = e.warnings.iter().map(|w| w.to_string()).collect();
        AccountJson::new(&e.issuer, &e.name, &e.params, warnings)
    }

    pub fn describe(&self) -> String {
        let who = if self.issuer.is_empty() {
            self.account.clone()
        } else {
            format!("{} ({})", self.issuer, self.account)
        };
        let mut s = format!(
            "{who}: {} {} {} digits",
            self.kind.to_uppercase(),
            self.algorithm,
            self.digits
        );
        if let Some(p) = self.period {
            s.push_str(&format!(", every {p} s"));
        }
        if let Some(c) = self.counter {
            s.push_str(&format!(", counter {c}"));
        }
        s.push_str(&format!(", {}-bit secret (hidden)", self.secret_bits));
        for w in &self.warnings {
            s.push_str(&format!("\n  warning: {w}"));
        }
        s
    }
}

#[derive(Serialize)]
struct BatchJson {
    index: u32,
    size: u32,
    id: i32,
}

#[derive(Serialize)]
struct RefusedJson {
    index: usize,
    label: String,
    reason: String,
}

#[derive(Serialize)]
struct InspectJson {
    accounts: Vec<AccountJson>,
    batch: Option<BatchJson>,
    refused: Vec<RefusedJson>,
}

pub fn inspect(out: &Output, text: &str) -> Result<Outcome, CliError> {
    let report = match parse_payload(text).map_err(CliError::bad_input)? {
        Payload::Single(e) => InspectJson {
            accounts: vec![AccountJson::from_enrollment(&e)],
            batch: None,
            refused: vec![],
        },
        Payload::Migration(m) => InspectJson {
            accounts: m
                .accounts
                .iter()
                .map(AccountJson::from_enrollment)
                .collect(),
            batch: Some(BatchJson {
                index: m.batch.index,
                size: m.batch.size,
                id: m.batch.id,
            }),
            refused: m
                .refused
                .iter()
                .map(|(index, label, err)| RefusedJson {
                    index: *index,
                    label: label.clone(),
                    reason: err.to_string(),
                })
                .collect(),
        },
    };
    out.emit(&report, || {
        let mut lines: Vec<String> = Vec::new();
        if let Some(b) = &report.batch {
            lines.push(format!(
                "Google Authenticator export, QR code {} of {} (export id {}): {} account(s)",
                u64::from(b.index) + 1,
                b.size,
                b.id,
                report.accounts.len()
            ));
            if b.size > 1 {
                lines.push(format!(
                    "  note: this export has {} QR codes; scan all of them to get every account",
                    b.size
                ));
            }
        }
        lines.extend(report.accounts.iter().map(AccountJson::describe));
        for r in &report.refused {
            lines.push(format!(
                "refused #{} {}: {}",
                r.index + 1,
                r.label,
                r.reason
            ));
        }
        lines.join("\n")
    });
    Ok(Outcome::Done)
}

#[derive(Serialize)]
struct ScanJson {
    file: PathBuf,
    texts: Vec<Option<String>>,
    bytes_hex: Vec<String>,
    error: Option<String>,
}

/// What scanning one file gave: its payloads, or an exit status (1 no code, 2 unreadable) and
/// the sentence for the person.
type ScanResult = Result<Vec<kunci::QrPayload>, (u8, String)>;

fn scan_one(path: &Path) -> ScanResult {
    crate::files::read_limited(path, crate::files::MAX_IMAGE_FILE_BYTES, "a picture")
        .map_err(|e| (2, e))
        .and_then(|bytes| {
            kunci::decode_image(&bytes).map_err(|e| match e {
                QrError::NoQrCode => (1, e.to_string()),
                _ => (2, e.to_string()),
            })
        })
}

/// At most this many pictures are decoded at once by default: each may hold up to a few
/// hundred MB while it decodes (a 24 MP progressive JPEG), so more cores do not mean more.
const MAX_DEFAULT_JOBS: usize = 4;

/// Decodes `images` on `jobs` threads and hands each result to `emit` in the order of `images`,
/// as soon as it and every earlier one are done (a long list prints as it goes). Workers take
/// the next file when they finish one, so one slow photo does not hold the others back.
fn scan_in_order(images: &[PathBuf], jobs: usize, mut emit: impl FnMut(&Path, ScanResult)) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    let jobs = jobs.clamp(1, images.len().max(1));
    if jobs == 1 {
        images.iter().for_each(|p| emit(p, scan_one(p)));
        return;
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, ScanResult)>();
        for _ in 0..jobs {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = images.get(i) else { break };
                if tx.send((i, scan_one(path))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut done: Vec<Option<ScanResult>> = images.iter().map(|_| None).collect();
        let mut printed = 0;
        for (i, result) in rx {
            done[i] = Some(result);
            while let Some(result) = done.get_mut(printed).and_then(Option::take) {
                emit(&images[printed], result);
                printed += 1;
            }
        }
    });
}

pub fn scan(out: &Output, images: &[PathBuf], jobs: Option<usize>) -> Result<Outcome, CliError> {
    // The worst result decides the exit status: unreadable file (2) > no code (1) > found (0).
    let mut status = 0u8;
    let mut unreadable = Vec::new();
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_DEFAULT_JOBS))
    });
    scan_in_order(images, jobs, |path, result| {
        let unreadable_file = matches!(result, Err((2, _)));
        let line = match result {
            Ok(payloads) => ScanJson {
                file: path.to_path_buf(),
                texts: payloads.iter().map(|p| p.text.clone()).collect(),
                bytes_hex: payloads.iter().map(|p| hex(&p.bytes)).collect(),
                error: None,
            },
            Err((code, msg)) => {
                status = status.max(code);
                if code == 2 {
                    unreadable.push(format!("{}: {msg}", path.display()));
                }
                ScanJson {
                    file: path.to_path_buf(),
                    texts: vec![],
                    bytes_hex: vec![],
                    error: Some(msg),
                }
            }
        };
        out.emit(&line, || {
            let name = line.file.display();
            match &line.error {
                // A file that cannot be read is reported once, on the error line below.
                Some(_) if unreadable_file => String::new(),
                Some(e) => format!("{name}: {e}"),
                None => line
                    .texts
                    .iter()
                    .zip(&line.bytes_hex)
                    .map(|(t, h)| match t {
                        Some(t) => format!("{name}: {t}"),
                        None => format!("{name}: (binary) {h}"),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        });
    });
    // Files that cannot be read are named once, on the one error line (text mode prints no
    // line of their own for them; --json keeps its per-file objects).
    match status {
        0 => Ok(Outcome::Done),
        1 => Ok(Outcome::NothingFound),
        _ => Err(CliError::bad_input(unreadable.join("; "))),
    }
}

pub fn qr(
    out: &Output,
    uri: &str,
    path: &Path,
    scale: u32,
    force: bool,
) -> Result<Outcome, CliError> {
    // Refuse what no authenticator could enroll, so QA never feeds a device a broken code.
    parse_payload(uri).map_err(CliError::bad_input)?;
    if !(1..=64).contains(&scale) {
        return Err(CliError::bad_input("--scale must be between 1 and 64"));
    }
    let png = kunci::render_png(uri.trim(), scale).map_err(CliError::bad_input)?;
    // The picture holds the secret: private, never through a link, never over a file silently.
    crate::files::write_secret_file(path, &png, force)
        .map_err(|e| CliError::bad_input(format!("cannot write {}: {e}", path.display())))?;
    #[derive(Serialize)]
    struct QrJson<'a> {
        out: &'a Path,
        bytes: usize,
    }
    out.emit(
        &QrJson {
            out: path,
            bytes: png.len(),
        },
        || format!("wrote {} ({} bytes)", path.display(), png.len()),
    );
    Ok(Outcome::Done)
}
