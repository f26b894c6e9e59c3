//! Each doctor finding, set up on its own, and the helpdesk ticket when nothing is wrong.

use super::*;
use crate::otp::OtpParams;
use crate::time::{PortalCheck, SourceSummary};
use crate::Secret;

fn time(status: TimeStatus, offset_ms: i64) -> TimeDiagnostics {
    TimeDiagnostics {
        status,
        offset_ms,
        uncertainty_ms: 400,
        last_sync: Some("2026-05-28T20:26:40.000Z".into()),
        last_sync_unix_ms: Some(1_780_000_000_000),
        utc_ms: 1_780_000_000_000,
        time_zone: "Asia/Jakarta".into(),
        utc_offset_seconds: 7 * 3600,
        drift_ppm: None,
        quarantined: false,
        held_offset_ms: None,
        tampered: None,
        phone_clock: phone_clock(offset_ms, 400),
        message: String::new(),
        warning: false,
        portal_check: None,
        sources: Vec::<SourceSummary>::new(),
    }
}

fn account(id: i64, issuer: &str, name: &str, created_at: i64, params: OtpParams) -> Account {
    Account {
        id,
        position: id,
        created_at,
        updated_at: created_at,
        content: crate::account::AccountContent::new(issuer, name, params),
    }
}

fn totp() -> OtpParams {
    OtpParams::totp(Secret::from_slice(b"12345678901234567890"))
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn run(t: &TimeDiagnostics, attempt: Option<&SyncAttempt>, accounts: &[Account]) -> Vec<Finding> {
    diagnose(&DoctorInput {
        time: t,
        last_attempt: attempt,
        accounts,
        account: None,
    })
}

#[test]
fn nothing_wrong_gives_a_helpdesk_ticket() {
    let t = time(TimeStatus::Synced, 200);
    let a = [account(1, "ASN Digital", "budi", 1_780_000_000, totp())];
    let f = run(&t, None, &a);
    assert_eq!(codes(&f), ["all_clear"]);
    assert!(
        f[0].sentence
            .contains("ASN Digital (budi): SHA1 6 digits 30 s step"),
        "{}",
        f[0].sentence
    );
    assert!(
        f[0].sentence.contains("2026-05-28T20:26:40"),
        "{}",
        f[0].sentence
    );
}

#[test]
fn unverified_time_comes_first() {
    let t = time(TimeStatus::Unverified, 0);
    let f = run(&t, None, &[account(1, "A", "b", 0, totp())]);
    assert_eq!(codes(&f), ["time_unverified"]);
    assert!(f[0].sentence.contains("Sync time now"));
    let mut t = time(TimeStatus::Unverified, 0);
    t.tampered = Some("the saved time state was removed".into());
    assert_eq!(codes(&run(&t, None, &[])), ["time_tampered"]);
}

#[test]
fn a_sync_that_never_reached_quorum_points_at_the_network() {
    let t = time(TimeStatus::Unverified, 0);
    let attempt = SyncAttempt {
        outcome: "no_consensus".into(),
        agreeing: 2,
        responded: 2,
        quorum: 3,
        asked: 7,
    };
    let f = run(&t, Some(&attempt), &[]);
    assert_eq!(codes(&f), ["time_unverified", "sync_no_quorum"]);
    assert!(
        f[1].sentence
            .contains("only 2 of 2 sources agreed, 3 needed"),
        "{}",
        f[1].sentence
    );
    assert_eq!(f[1].facts["quorum"], "3");
}

#[test]
fn phone_clock_far_off_is_named() {
    let t = time(TimeStatus::Synced, 90_000);
    let f = run(&t, None, &[]);
    assert_eq!(codes(&f), ["phone_clock_off"]);
    assert!(
        f[0].sentence.contains("1 min 30 s behind"),
        "{}",
        f[0].sentence
    );
}

#[test]
fn two_entries_after_reset_mfa_point_at_the_newest() {
    let t = time(TimeStatus::Synced, 0);
    let a = [
        account(3, "ASN Digital", "budi", 1_700_000_000, totp()),
        account(9, "asn digital", "Budi", 1_780_000_000, totp()),
        account(4, "Other", "budi", 1_600_000_000, totp()),
    ];
    let f = diagnose(&DoctorInput {
        time: &t,
        last_attempt: None,
        accounts: &a,
        account: Some(3),
    });
    assert_eq!(codes(&f), ["duplicate_account"]);
    assert_eq!(f[0].account_id, Some(3));
    assert!(
        f[0].sentence.contains("added on 2026-05-28 (#9)"),
        "{}",
        f[0].sentence
    );
    assert!(f[0].sentence.contains("delete it"), "{}", f[0].sentence);
    assert_eq!(f[0].facts["newest_id"], "9");
}

#[test]
fn parameters_many_portals_reject() {
    let t = time(TimeStatus::Synced, 0);
    let mut p = totp();
    p.period = 60;
    p.algorithm = HashAlgorithm::Sha256;
    p.digits = 8;
    let f = run(&t, None, &[account(1, "Bank", "me", 0, p)]);
    assert_eq!(codes(&f), ["unusual_parameters"]);
    for part in ["60 s step", "SHA256", "8 digits"] {
        assert!(f[0].sentence.contains(part), "{part}: {}", f[0].sentence);
    }
}

#[test]
fn hotp_counter_far_ahead() {
    let t = time(TimeStatus::Synced, 0);
    let p = OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), 57);
    let f = run(&t, None, &[account(1, "VPN", "me", 0, p)]);
    assert_eq!(codes(&f), ["hotp_counter_ahead"]);
    assert_eq!(f[0].facts["counter"], "57");
    let p = OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), 5);
    assert_eq!(
        codes(&run(&t, None, &[account(1, "VPN", "me", 0, p)])),
        ["all_clear"]
    );
}

#[test]
fn portal_clock_off_from_time_check() {
    let mut t = time(TimeStatus::Synced, 0);
    t.portal_check = Some(PortalCheck {
        url: "https://portal.test/".into(),
        portal_offset_ms: 120_000,
        uncertainty_ms: 600,
        phone_offset_ms: 0,
        time_status: TimeStatus::Synced,
        verdict: PortalVerdict::PortalOff,
        checked_utc_ms: 0,
        message: "The portal is off, not the phone".into(),
    });
    let f = run(&t, None, &[]);
    assert_eq!(codes(&f), ["portal_clock_off"]);
    assert_eq!(f[0].facts["portal_offset_ms"], "120000");
}
