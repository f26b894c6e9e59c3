//! A vault file whose bytes are damaged or hostile (a restored phone backup, a torn write, an
//! attacker with file access): open it with the passphrase, list, compute every code. Any of
//! these may fail with a typed error; none may panic.
//! Seeds are vaults created with passphrase "fuzz" and Argon2 at its cheapest.
#![no_main]
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use kunci::{Secret, Vault};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kunci-fuzz-vault-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vault.kunci");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .unwrap();
    if let Ok(vault) = Vault::open_with_passphrase(&path, &Secret::from_slice(b"fuzz")) {
        if let Ok(list) = vault.list() {
            for a in &list.accounts {
                let _ = a.params.view_at(1_700_000_000);
                let _ = a.params.code_at(0);
                let _ = a.params.code_for_counter(a.params.counter);
            }
        }
        let _ = vault.slots();
    }
    let _ = std::fs::remove_dir_all(&dir);
});
