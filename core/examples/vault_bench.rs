//! Vault open and "all codes" cost, for
//! `cargo run --release -p kunci --features insecure-test-kdf --example vault_bench`.
//!
//! Reports the Argon2id KDF (default parameters) on its own, then, with the cheapest KDF so it
//! does not drown the rest: open (header, integrity check, key check), list (unseal every row)
//! and codes (`OtpParams::view_at` for every account) for 10, 1 000 and 10 000 accounts, and
//! the cost per extra account. Target: under 5 µs per account.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kunci::{AccountDraft, KdfParams, OnConflict, OtpParams, Secret, Vault};

const NOW: i64 = 1_700_000_000;
const RUNS: usize = 7;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kunci-vault-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn drafts(n: usize) -> Vec<AccountDraft> {
    (0..n)
        .map(|i| AccountDraft {
            issuer: format!("Issuer {i}"),
            name: format!("user{i}@example.org"),
            params: OtpParams::totp(Secret::new((0..20).map(|b| (b + i) as u8).collect())),
            notes: if i % 4 == 0 {
                "some notes".into()
            } else {
                String::new()
            },
            group: (i % 3 == 0).then(|| "Work".to_string()),
            icon: None,
        })
        .collect()
}

struct Sample {
    open: Duration,
    list: Duration,
    codes: Duration,
}

fn measure(path: &Path, pass: &Secret) -> Sample {
    let t0 = Instant::now();
    let vault = Vault::open_with_passphrase(path, pass).expect("open");
    let t1 = Instant::now();
    let list = vault.list().expect("list");
    let t2 = Instant::now();
    let mut chars = 0;
    for a in &list.accounts {
        chars += a.params.view_at(NOW as u64).expect("code").code.len();
    }
    let t3 = Instant::now();
    assert!(list.failures.is_empty() && chars >= 6 * list.accounts.len());
    drop(vault);
    Sample {
        open: t1 - t0,
        list: t2 - t1,
        codes: t3 - t2,
    }
}

type Row = (usize, Duration, Duration, Duration, Duration);

fn main() {
    let dir = temp_dir();
    let pass = Secret::from_slice(b"benchmark passphrase");

    // The KDF alone: opening with default parameters minus opening with the cheapest.
    let kdf_path = dir.join("kdf.kunci");
    drop(Vault::create(&kdf_path, &pass, KdfParams::DEFAULT, NOW).expect("create"));
    let cheap_path = dir.join("cheap.kunci");
    drop(Vault::create(&cheap_path, &pass, KdfParams::INSECURE_FOR_TESTS, NOW).expect("create"));
    let kdf_open = median((0..3).map(|_| measure(&kdf_path, &pass).open).collect());
    let cheap_open = median(
        (0..RUNS)
            .map(|_| measure(&cheap_path, &pass).open)
            .collect(),
    );
    println!(
        "Argon2id m={} KiB t={} p={}: open {:.1} ms, of which KDF ≈ {:.1} ms",
        KdfParams::DEFAULT.memory_kib,
        KdfParams::DEFAULT.iterations,
        KdfParams::DEFAULT.parallelism,
        micros(kdf_open) / 1e3,
        micros(kdf_open.saturating_sub(cheap_open)) / 1e3
    );

    println!(
        "{:>8} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "accounts", "open µs", "list µs", "codes µs", "total µs", "file KiB"
    );
    let mut rows: Vec<Row> = Vec::new();
    for n in [10usize, 1_000, 10_000] {
        let path = dir.join(format!("n{n}.kunci"));
        let v = Vault::create(&path, &pass, KdfParams::INSECURE_FOR_TESTS, NOW).expect("create");
        v.add_all(drafts(n), OnConflict::KeepBoth, NOW)
            .expect("add");
        drop(v);
        let samples: Vec<Sample> = (0..RUNS).map(|_| measure(&path, &pass)).collect();
        let open = median(samples.iter().map(|s| s.open).collect());
        let list = median(samples.iter().map(|s| s.list).collect());
        let codes = median(samples.iter().map(|s| s.codes).collect());
        let total = median(samples.iter().map(|s| s.open + s.list + s.codes).collect());
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) / 1024;
        println!(
            "{n:>8} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {size:>9}",
            micros(open),
            micros(list),
            micros(codes),
            micros(total)
        );
        rows.push((n, open, list, codes, total));
    }
    let (n0, o0, l0, c0, t0) = rows[0];
    let (n1, o1, l1, c1, t1) = rows[rows.len() - 1];
    let per = |a: Duration, b: Duration| (micros(b) - micros(a)) / (n1 - n0) as f64;
    println!(
        "per extra account: {:.2} µs (open {:.2}, list/unseal {:.2}, codes {:.2}); target < 5 µs",
        per(t0, t1),
        per(o0, o1),
        per(l0, l1),
        per(c0, c1)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
