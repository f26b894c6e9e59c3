//! `kunci demo`: the main job end to end, offline, on throwaway files.

use crate::output::Output;
use crate::{clock, CliError, Outcome};
use kunci::enroll::{parse_uri, qr};

const DEMO_URI: &str = "otpauth://totp/Kunci%20Demo:you@example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kunci%20Demo";

pub fn run(out: &Output) -> Result<Outcome, CliError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| CliError {
        status: 2,
        message: format!("demo failed while {what}: {e}"),
    };
    let dir = std::env::temp_dir().join(format!("kunci-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail("creating a scratch folder", &e))?;

    println!("1. An SSO portal shows an enrollment QR code. Kunci renders one here:");
    let png = qr::render_png(DEMO_URI, 6).map_err(|e| fail("rendering the QR code", &e))?;
    let path = dir.join("enroll.png");
    std::fs::write(&path, &png).map_err(|e| fail("writing the QR image", &e))?;
    println!("   {} ({} bytes)", path.display(), png.len());

    println!("2. Scanning it back, as the phone camera would:");
    let payloads = qr::decode_image(&png).map_err(|e| fail("scanning", &e))?;
    let text = payloads
        .iter()
        .find_map(|p| p.text.clone())
        .ok_or_else(|| fail("scanning", &"no text in the code"))?;
    let account = parse_uri(&text).map_err(|e| fail("reading the scanned code", &e))?;
    println!(
        "   {} / {}: {} {}, {} digits every {} s (secret hidden)",
        account.issuer,
        account.name,
        account.params.kind.as_str(),
        account.params.algorithm.as_str(),
        account.params.digits,
        account.params.period
    );

    println!("3. Codes, computed from an explicit time:");
    let now = clock::unix_now();
    let view = account
        .params
        .view_at(now)
        .map_err(|e| fail("computing codes", &e))?;
    println!(
        "   now: {}  (valid {} s more; next {})",
        view.code,
        view.valid_until.saturating_sub(now),
        view.next
    );
    out.note("");
    let _ = std::fs::remove_dir_all(&dir);
    println!("Done. Try: kunci code '{DEMO_URI}'");
    Ok(Outcome::Done)
}
