//! A size proxy for the finished cdylib, for `scripts/bench`: one binary that reaches every part of
//! the core (QR, enrollment, vault, backups and importers, trusted time, codes) from run-time
//! input, so that LTO keeps what the full FFI surface will keep. The FFI in `core/src/ffi` is
//! still a stand-in that exports a handful of functions, so `libkunci.so` alone says little yet.
//! It is not meant to be run for anything but `bench_size probe` (which does nothing).

use std::sync::Arc;

use kunci::testkit::MemoryTimeStore;
use kunci::{
    parse_payload, KdfParams, KdfParams as BackupKdf, OnConflict, Secret, SyncConfig,
    SystemBootClock, SystemWallClock, TrustedClock, Vault,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let bytes = || std::fs::read(arg(1)).unwrap_or_default();
    match arg(0).as_str() {
        "qr" => println!("{:?}", kunci::decode_image(&bytes())),
        "render" => println!("{:?}", kunci::render_png(&arg(1), 4).map(|p| p.len())),
        "parse" => println!("{:?}", parse_payload(&arg(1)).is_ok()),
        "import" => match kunci::import_auto(&bytes(), Some(&arg(2))) {
            Ok(batch) => {
                let a = &batch.accounts;
                println!(
                    "{:?} {:?} {:?} {}",
                    kunci::write_backup(a, &arg(2), &BackupKdf::default()).map(|b| b.len()),
                    kunci::export_aegis(a).map(|b| b.len()),
                    kunci::export_google(a, 1).is_ok(),
                    kunci::export_uris(a).len()
                );
            }
            Err(e) => println!("{e}"),
        },
        "vault" => {
            let pass = Secret::from_slice(arg(2).as_bytes());
            let v = Vault::open_with_passphrase(arg(1), &pass)
                .or_else(|_| Vault::create(arg(1), &pass, KdfParams::DEFAULT, 0));
            if let Ok(v) = v {
                if let Ok(batch) =
                    kunci::import_auto(&std::fs::read(arg(3)).unwrap_or_default(), None)
                {
                    let drafts = batch.accounts.into_iter().map(|a| a.content).collect();
                    println!("{:?}", v.add_all(drafts, OnConflict::KeepBoth, 0).is_ok());
                }
                if let Ok(list) = v.list() {
                    for a in list.accounts {
                        println!("{:?}", a.params.view_at(0).map(|c| c.code));
                    }
                }
            }
        }
        "sync" => {
            let clock = TrustedClock::new(
                Arc::new(SystemBootClock::new()),
                Arc::new(SystemWallClock),
                Arc::new(MemoryTimeStore::new()),
                SyncConfig {
                    ntp_servers: args[1..].to_vec(),
                    ..SyncConfig::default()
                },
            );
            println!("{:?}", clock.sync().map(|r| r.offset_ms));
        }
        _ => println!("probe"),
    }
}
