//! `kunci demo`: the main job end to end, offline, on a throwaway vault.
//!
//! A portal's enrollment QR is rendered and scanned back, the account lands in an encrypted
//! vault, the phone clock turns out to be 90 s behind (three local NTP servers say so), codes are
//! corrected, and a backup round-trips into a second vault. Nothing leaves 127.0.0.1. With
//! `--json`, each step is one JSON line (`step`, `title`, `data`) and the last line says it is
//! done.

use kunci::testkit::{FakeNtpServer, Misbehaviour};
use kunci::{
    encode_migration, ExportFormat, KdfParams, Kunci, OnConflict, OtpParams, Secret, SyncSources,
    SystemBootClock, SystemWallClock, TimeSetup, Vault, WallClock,
};
use kunci_cli::output::Output;
use kunci_cli::{CliError, Outcome};
use serde_json::{json, Value};
use std::sync::Arc;

const DEMO_URI: &str = "otpauth://totp/HR%20Portal:you@agency.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=HR%20Portal";
/// How far the demo phone's clock is behind real time.
const SKEW_SECONDS: i64 = 90;

pub fn run(out: &Output) -> Result<Outcome, CliError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| CliError {
        status: 2,
        message: format!("demo failed while {what}: {e}"),
    };
    let dir = std::env::temp_dir().join(format!("kunci-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail("creating a scratch folder", &e))?;
    let result = steps(&Steps { out, fail: &fail }, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    out.emit(&json!({ "done": true, "offline": true }), || {
        "\nDone. Everything ran offline; the scratch vaults are deleted.\n\
         Try it on your own vault: kunci init; kunci add --image qr.png; kunci codes"
            .to_string()
    });
    Ok(Outcome::Done)
}

fn open_app(vault: Vault) -> Kunci {
    Kunci::new(
        vault,
        TimeSetup::new(Arc::new(SystemBootClock::new()), Arc::new(SystemWallClock)),
    )
}

/// How the steps report: each step once, as a numbered title with indented lines for people or
/// one JSON line for scripts; and how a step turns a failure into the CLI's error.
struct Steps<'a> {
    out: &'a Output,
    fail: &'a dyn Fn(&str, &dyn std::fmt::Display) -> CliError,
}

impl Steps<'_> {
    fn report(&self, step: u32, title: &str, data: Value, lines: &[String]) {
        self.out.emit(
            &json!({ "step": step, "title": title, "data": data }),
            || {
                let mut text = format!("{step}. {title}:");
                for line in lines {
                    text.push_str("\n   ");
                    text.push_str(line);
                }
                text
            },
        );
    }

    fn fail(&self, what: &str, e: &dyn std::fmt::Display) -> CliError {
        (self.fail)(what, e)
    }
}

/// The demo, one named step after another.
fn steps(s: &Steps, dir: &std::path::Path) -> Result<(), CliError> {
    let passphrase = Secret::from_slice(b"correct horse battery staple");
    let now = SystemWallClock.now_ms().div_euclid(1000);

    let path = dir.join("demo.kunci");
    let vault = Vault::create(&path, &passphrase, KdfParams::DEFAULT, now)
        .map_err(|e| s.fail("creating the vault", &e))?;
    s.report(
        1,
        "A fresh encrypted vault (Argon2id key slot, sealed rows)",
        json!({ "vault": path.display().to_string() }),
        &[path.display().to_string()],
    );
    let app = open_app(vault);

    enroll_from_qr_and_export(s, &app)?;
    show_codes(
        s,
        &app,
        4,
        "Codes by the phone's own clock (not verified yet)",
    )?;
    sync_with_local_servers(s, &app)?;
    show_codes(
        s,
        &app,
        6,
        "Corrected codes: what the portal expects (this fixes \"Invalid Authenticator Code\")",
    )?;

    let second = Vault::create(
        dir.join("restored.kunci"),
        &passphrase,
        KdfParams::DEFAULT,
        now,
    )
    .map_err(|e| s.fail("creating the second vault", &e))?;
    backup_and_restore(s, &app, open_app(second))
}

/// Steps 2 and 3: the portal's QR code through the camera path, then a Google export.
fn enroll_from_qr_and_export(s: &Steps, app: &Kunci) -> Result<(), CliError> {
    let png = kunci::render_png(DEMO_URI, 6).map_err(|e| s.fail("rendering the QR code", &e))?;
    let added = app
        .enroll_image(&png, OnConflict::Reject)
        .map_err(|e| s.fail("enrolling", &e))?;
    let lines: Vec<String> = added
        .added
        .iter()
        .map(|a| {
            format!(
                "added #{}: {} / {} ({} {}, {} digits every {} s)",
                a.id,
                a.issuer,
                a.name,
                a.params.kind.as_str(),
                a.params.algorithm.as_str(),
                a.params.digits,
                a.params.period
            )
        })
        .collect();
    let ids: Vec<i64> = added.added.iter().map(|a| a.id).collect();
    s.report(
        2,
        "The SSO portal shows an enrollment QR code; the camera reads it",
        json!({ "added": ids }),
        &lines,
    );

    let mail = OtpParams::totp(Secret::from_slice(b"demo-mail-secret-0001"));
    let mut bank = OtpParams::hotp(Secret::from_slice(b"demo-bank-secret-0002"), 7);
    bank.digits = 8;
    let export = encode_migration(&[("Mail", "you", &mail), ("Bank", "you", &bank)], 1)
        .map_err(|e| s.fail("building the export", &e))?;
    let mut counts = Vec::new();
    for uri in &export {
        let added = app
            .enroll_text(uri, OnConflict::Reject)
            .map_err(|e| s.fail("importing the export", &e))?;
        counts.push(added.added.len());
    }
    let lines: Vec<String> = counts
        .iter()
        .map(|n| format!("{n} account(s) from one export QR code"))
        .collect();
    s.report(
        3,
        "A Google Authenticator export with two more accounts",
        json!({ "added_per_qr_code": counts }),
        &lines,
    );
    Ok(())
}

/// Step 5: three local NTP servers that agree the phone is SKEW_SECONDS behind.
fn sync_with_local_servers(s: &Steps, app: &Kunci) -> Result<(), CliError> {
    let servers: Vec<FakeNtpServer> = (0..3)
        .map(|_| {
            FakeNtpServer::spawn(
                Arc::new(SystemWallClock),
                SKEW_SECONDS * 1000,
                Misbehaviour::None,
            )
        })
        .collect::<Result<_, _>>()
        .map_err(|e| s.fail("starting local time servers", &e))?;
    // Offline: only the three local servers (no public HTTPS or Roughtime hosts), all of which
    // must agree (the CLI's rule for chosen sources).
    let sources = SyncSources {
        ntp_servers: Some(servers.iter().map(FakeNtpServer::name).collect()),
        https_urls: Some(Vec::new()),
        roughtime_servers: Some(Vec::new()),
        ..SyncSources::default()
    };
    let report = app
        .sync_time(Some(&sources))
        .map_err(|e| s.fail("syncing time", &e))?;
    s.report(
        5,
        &format!("The phone clock is {SKEW_SECONDS} s behind; three time servers agree on that"),
        serde_json::to_value(&report).unwrap_or(Value::Null),
        std::slice::from_ref(&report.message),
    );
    Ok(())
}

/// Step 7: an encrypted backup restored into a second vault gives the same codes.
fn backup_and_restore(s: &Steps, app: &Kunci, restored: Kunci) -> Result<(), CliError> {
    let backup = app
        .export(
            ExportFormat::Kunci,
            Some("backup password"),
            &KdfParams::DEFAULT,
        )
        .map_err(|e| s.fail("writing the backup", &e))?;
    let outcome = restored
        .import(&backup, None, Some("backup password"))
        .map_err(|e| s.fail("restoring the backup", &e))?;
    let at = app.now();
    let before = app
        .codes(Some(at))
        .map_err(|e| s.fail("computing codes", &e))?;
    let after = restored
        .codes(Some(at))
        .map_err(|e| s.fail("computing codes", &e))?;
    let same = before.codes.len() == after.codes.len()
        && before
            .codes
            .iter()
            .zip(&after.codes)
            .all(|(a, b)| a.view.code == b.view.code);
    s.report(
        7,
        "An encrypted backup, restored into a second vault",
        json!({
            "backup_bytes": backup.len(),
            "restored": outcome.added.len(),
            "codes_identical": same,
        }),
        &[format!(
            "{} bytes, {} account(s) restored, codes identical: {}",
            backup.len(),
            outcome.added.len(),
            if same { "yes" } else { "NO" }
        )],
    );
    if !same {
        return Err(s.fail("comparing codes", &"the restored vault gives other codes"));
    }
    Ok(())
}

/// Steps 4 and 6: every account's code at the trusted time, and how far that time is trusted.
fn show_codes(s: &Steps, app: &Kunci, step: u32, title: &str) -> Result<(), CliError> {
    let sheet = app.codes(None).map_err(|e| s.fail("computing codes", &e))?;
    let mut lines = vec![format!(
        "time {} (offset {:+.1} s, ± {:.1} s){}",
        sheet.time.status.as_str(),
        sheet.time.offset_ms as f64 / 1000.0,
        sheet.time.uncertainty_ms as f64 / 1000.0,
        if sheet.time_warning {
            " — not verified: a code may be off"
        } else {
            ""
        }
    )];
    let now = u64::try_from(sheet.time.unix_seconds()).unwrap_or(0);
    let mut codes = Vec::new();
    for c in &sheet.codes {
        let when = if c.account.params.kind.is_time_based() {
            format!("{:>2} s left", c.view.valid_until.saturating_sub(now))
        } else {
            format!("counter {}", c.view.counter)
        };
        lines.push(format!(
            "{:<10} {:<12} {} / {}",
            c.view.code, when, c.account.issuer, c.account.name
        ));
        codes.push(json!({
            "account_id": c.account.id,
            "issuer": c.account.issuer,
            "name": c.account.name,
            "code": c.view.code,
        }));
    }
    s.report(
        step,
        title,
        json!({
            "time_status": sheet.time.status.as_str(),
            "offset_ms": sheet.time.offset_ms,
            "uncertainty_ms": sheet.time.uncertainty_ms,
            "time_warning": sheet.time_warning,
            "codes": codes,
        }),
        &lines,
    );
    Ok(())
}
