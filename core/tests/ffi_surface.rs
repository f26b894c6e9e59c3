//! Issue 17, finding 8 (FFI part): what crosses to Kotlin and Swift. Decoded QR codes come back
//! as previews without secrets or raw URIs, passphrases and passwords cross as bytes, one
//! account's QR code comes back as a PNG that scans to the same codes, and the types that hold a
//! decoded otpauth URI print no secret.

mod vault_common;

use std::sync::Arc;

use kunci::testkit::{
    ffi::decode_qr_image, ffi::Authenticator, ffi::AuthenticatorOptions, ffi::BootClock,
    ffi::KeyWrapper, ffi::PlatformError, ffi::QrKind, ffi::QrPreview, ffi::VaultSetup,
};
use kunci::{
    encode_migration, HashAlgorithm, KunciError, OnConflict, OtpKind, OtpParams, QrPayload, Secret,
};
use vault_common::TempDir;

const SECRET_B32: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const URI: &str = "otpauth://totp/ASN%20Digital:budi%40example.go.id?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ASN%20Digital&digits=8&period=60&algorithm=SHA256";

struct Clock;

impl BootClock for Clock {
    fn boot_id(&self) -> Result<String, PlatformError> {
        Ok("boot".into())
    }
    fn elapsed_ms(&self) -> Result<i64, PlatformError> {
        Ok(1_000)
    }
}

fn options() -> AuthenticatorOptions {
    // Debug builds (tests) accept the cheapest key derivation; release builds refuse it.
    AuthenticatorOptions {
        kdf_memory_kib: 8,
        kdf_iterations: 1,
        ..AuthenticatorOptions::default()
    }
}

fn setup(dir: &TempDir) -> VaultSetup {
    VaultSetup {
        path: dir.vault().to_string_lossy().into_owned(),
        boot_clock: Arc::new(Clock),
        https: None,
        options: options(),
    }
}

fn create(dir: &TempDir, passphrase: &[u8]) -> Arc<Authenticator> {
    Authenticator::create(setup(dir), Some(passphrase.to_vec()), None).unwrap()
}

fn no_secret_in(shown: &str) {
    for needle in [
        "JBSWY3DP",
        "secret=",
        "otpauth://",
        "otpauth-migration://",
        "data=",
    ] {
        assert!(!shown.contains(needle), "{needle:?} in {shown}");
    }
}

#[test]
fn an_otpauth_qr_code_comes_back_as_a_preview_without_the_secret() {
    let png = kunci::render_png(URI, 4).unwrap();
    let previews = decode_qr_image(png).unwrap();
    assert_eq!(previews.len(), 1);
    let p = &previews[0];
    assert_eq!(p.kind, QrKind::Otpauth);
    assert_eq!(p.text, None, "an otpauth code's text holds the secret");
    assert_eq!(p.problem, None);
    assert_eq!(p.batch, None);
    let a = &p.accounts[..];
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].issuer, "ASN Digital");
    assert_eq!(a[0].name, "budi@example.go.id");
    assert_eq!(a[0].kind, OtpKind::Totp);
    assert_eq!(a[0].algorithm, HashAlgorithm::Sha256);
    assert_eq!((a[0].digits, a[0].period), (8, 60));
    assert_eq!(a[0].secret_bits, 160);
    no_secret_in(&format!("{previews:?}"));
}

#[test]
fn a_google_export_qr_code_previews_every_account_and_its_batch() {
    // 12 accounts make two QR codes (10 + 2); the second one is previewed.
    let params = OtpParams::totp(Secret::from_slice(b"12345678901234567890"));
    let names: Vec<String> = (0..12).map(|i| format!("user{i}")).collect();
    let accounts: Vec<(&str, &str, &OtpParams)> = names
        .iter()
        .map(|n| ("GitHub", n.as_str(), &params))
        .collect();
    let uris = encode_migration(&accounts, 77).unwrap();
    assert_eq!(uris.len(), 2);
    let previews = decode_qr_image(kunci::render_png(&uris[1], 3).unwrap()).unwrap();
    let p = &previews[0];
    assert_eq!(p.kind, QrKind::Migration);
    let got: Vec<_> = p.accounts.iter().map(|a| (&*a.issuer, &*a.name)).collect();
    assert_eq!(got, [("GitHub", "user10"), ("GitHub", "user11")]);
    let batch = p.batch.unwrap();
    assert_eq!((batch.index, batch.size, batch.id), (1, 2, 77));
    assert_eq!(p.text, None);
    no_secret_in(&format!("{previews:?}"));
}

#[test]
fn other_codes_keep_their_text_and_a_broken_otpauth_code_only_says_why() {
    let link = "https://asndigital.bkn.go.id/";
    let p = &decode_qr_image(kunci::render_png(link, 4).unwrap()).unwrap()[0];
    assert_eq!(p.kind, QrKind::Other);
    assert_eq!(p.text.as_deref(), Some(link));
    assert!(p.accounts.is_empty());

    // An otpauth URI the parser refuses: kind and reason, never the text (it may hold a secret).
    let broken = "otpauth://totp/Bank:ana?secret=JBSWY3DPEHPK3PXP&algorithm=MD5";
    let p = QrPreview::from(&QrPayload {
        bytes: broken.as_bytes().to_vec(),
        text: Some(broken.into()),
    });
    assert_eq!(p.kind, QrKind::Otpauth);
    assert!(p.accounts.is_empty());
    assert!(p.problem.as_deref().unwrap().contains("MD5"), "{p:?}");
    assert_eq!(p.text, None);
    no_secret_in(&format!("{p:?}"));

    // Binary payloads are "other" without text.
    let p = QrPreview::from(&QrPayload {
        bytes: vec![0xff, 0x00, 0x9c],
        text: None,
    });
    assert_eq!((p.kind, p.text), (QrKind::Other, None));
}

#[test]
fn decoded_payloads_and_enrollments_print_no_secret() {
    let payload = QrPayload {
        bytes: URI.as_bytes().to_vec(),
        text: Some(URI.into()),
    };
    let shown = format!("{payload:?}");
    no_secret_in(&shown);
    assert!(!shown.contains("budi"), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
    let e = kunci::parse_uri(URI).unwrap();
    no_secret_in(&format!("{e:?}"));
    let params = OtpParams::totp(Secret::from_slice(b"12345678901234567890"));
    let uris = encode_migration(&[("GitHub", "jo", &params)], 1).unwrap();
    let m = kunci::decode_migration(&uris[0]).unwrap();
    no_secret_in(&format!("{m:?}"));
    // The Google export the CLI renders as QR codes holds the same URIs.
    let account = kunci::BackupAccount::new("GitHub", "jo", params, 0);
    let export = kunci::export_google(&[account], 1).unwrap();
    assert_eq!(export.uris.len(), 1);
    no_secret_in(&format!("{export:?}"));
}

/// RFC 6238 by hand (HMAC-SHA256 from the `hmac` crate), independent of the core's OTP code.
fn reference_sha256(secret: &[u8], t: u64, period: u64, digits: u32) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(&(t / period).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = usize::from(h[h.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!(
        "{:0width$}",
        bin % 10u32.pow(digits),
        width = digits as usize
    )
}

#[test]
fn one_accounts_qr_png_scans_back_to_the_same_account_and_codes() {
    let dir = TempDir::new("ffi-qr-png");
    let auth = create(&dir, b"a long enough passphrase");
    let added = auth.enroll_uri(URI.into(), OnConflict::Reject).unwrap();
    let id = added.added[0].id;
    let png = auth.account_qr_png(id, 6).unwrap();
    // The picture holds the secret: scanning it (as FreeOTP would) gives the whole account.
    let scanned = kunci::decode_image(&png).unwrap();
    let text = scanned[0].text.as_deref().unwrap();
    let e = kunci::parse_uri(text).unwrap();
    assert_eq!(
        (e.issuer.as_str(), e.name.as_str()),
        ("ASN Digital", "budi@example.go.id")
    );
    let secret = data_encoding::BASE32_NOPAD
        .decode(SECRET_B32.as_bytes())
        .unwrap();
    for t in [59u64, 1_111_111_109, 1_700_000_000, 20_000_000_000] {
        assert_eq!(
            e.params.code_at(t).unwrap(),
            reference_sha256(&secret, t, 60, 8)
        );
    }
    assert!(matches!(
        auth.account_qr_png(id + 100, 6),
        Err(KunciError::NotFound { .. })
    ));
    assert!(
        auth.account_qr_png(id, 0).is_err(),
        "a 0-pixel module is refused"
    );
}

#[test]
fn passphrases_and_passwords_cross_as_bytes() {
    let dir = TempDir::new("ffi-bytes");
    // Any bytes: a passphrase that is not even UTF-8 opens what it made.
    let odd = b"\xff\xfe not text \x00 but long".to_vec();
    drop(create(&dir, &odd));
    let open = |p: &[u8]| Authenticator::open_with_passphrase(setup(&dir), p.to_vec());
    let auth = open(&odd).unwrap();
    assert!(matches!(
        open(b"wrong passphrase"),
        Err(KunciError::WrongPassphrase { .. })
    ));
    auth.change_passphrase(odd.clone(), b"the new passphrase".to_vec())
        .unwrap();
    drop(auth);
    assert!(open(&odd).is_err());
    let auth = open(b"the new passphrase").unwrap();
    auth.lock();
    auth.unlock_with_passphrase(b"the new passphrase".to_vec())
        .unwrap();

    // Export and import passwords: UTF-8 bytes; anything else is a sentence, not a panic.
    auth.enroll_uri(URI.into(), OnConflict::Reject).unwrap();
    let pw = "kata sandi cadangan".as_bytes().to_vec();
    let backup = auth
        .export_file(kunci::ExportFormat::Aegis, Some(pw.clone()))
        .unwrap();
    let other = TempDir::new("ffi-bytes-2");
    let dst = create(&other, b"another passphrase here");
    let err = dst
        .import_files(
            vec![backup.clone()],
            None,
            Some(vec![0xc3, 0x28]),
            false,
            None,
        )
        .unwrap_err();
    assert!(matches!(err, KunciError::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    let report = dst
        .import_files(vec![backup], None, Some(pw), false, None)
        .unwrap();
    assert_eq!(report.added, 1);
}

/// A foreign key store that works only while `usable` (a Keystore key that needs the user).
struct XorKeyStore {
    device_key: u8,
    usable: std::sync::atomic::AtomicBool,
}

impl XorKeyStore {
    fn new(device_key: u8) -> Arc<Self> {
        Arc::new(XorKeyStore {
            device_key,
            usable: std::sync::atomic::AtomicBool::new(true),
        })
    }

    fn check(&self) -> Result<(), PlatformError> {
        if self.usable.load(std::sync::atomic::Ordering::SeqCst) {
            Ok(())
        } else {
            Err(PlatformError::KeyUnavailable {
                reason: "the user has not unlocked the phone's key".into(),
            })
        }
    }
}

impl KeyWrapper for XorKeyStore {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.check()?;
        Ok(key.iter().map(|b| b ^ self.device_key).collect())
    }

    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.check()?;
        Ok(wrapped.iter().map(|b| b ^ self.device_key).collect())
    }
}

#[test]
fn the_app_lock_swaps_the_platform_key_and_a_locked_vault_says_so() {
    let dir = TempDir::new("ffi-lock");
    let plain = XorKeyStore::new(0x11);
    let open = |wrapper: &Arc<XorKeyStore>| {
        Authenticator::open_with_key_wrapper(setup(&dir), wrapper.clone())
    };
    let auth = create(&dir, b"recovery passphrase");
    auth.add_platform_key(plain.clone()).unwrap();
    auth.enroll_uri(URI.into(), OnConflict::Reject).unwrap();
    let needs_user = XorKeyStore::new(0x33);
    auth.replace_platform_key(needs_user.clone()).unwrap();
    assert!(!auth.is_locked());
    auth.lock();
    assert!(auth.is_locked());
    drop(auth);

    assert!(matches!(
        open(&plain),
        Err(KunciError::WrongPassphrase { .. })
    ));
    // Until the user proves who they are, the new key gives nothing: KeyUnavailable.
    needs_user
        .usable
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(
        open(&needs_user),
        Err(KunciError::KeyUnavailable { .. })
    ));
    needs_user
        .usable
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let auth = open(&needs_user).unwrap();
    assert_eq!(auth.accounts().unwrap().len(), 1);
    // And back (the lock turned off); the passphrase opened the vault all along.
    auth.replace_platform_key(plain.clone()).unwrap();
    drop(auth);
    assert!(matches!(
        open(&needs_user),
        Err(KunciError::WrongPassphrase { .. })
    ));
    open(&plain).unwrap();
}
