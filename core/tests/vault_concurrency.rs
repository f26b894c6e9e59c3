//! Several handles, threads and processes on one vault file: writes wait instead of failing,
//! every acknowledged write survives a SIGKILL, and foreign calls never run under the lock.

mod vault_common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::Duration;

use kunci::{AccountDraft, KeyWrapper, KeyWrapperError, OnConflict, OtpParams, Secret, Vault};
use vault_common::*;

fn hotp_draft() -> AccountDraft {
    AccountDraft {
        params: OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), 0),
        ..draft("Counter", "hotp")
    }
}

#[test]
fn concurrent_writers_on_one_file() {
    let dir = TempDir::new("concurrent");
    let v = new_vault(&dir);
    let hotp = v.add(hotp_draft(), OnConflict::Reject, NOW).unwrap().id;
    drop(v);
    let handles = [
        Arc::new(Vault::open_with_passphrase(dir.vault(), &pass()).unwrap()),
        Arc::new(Vault::open_with_passphrase(dir.vault(), &pass()).unwrap()),
    ];
    const THREADS: usize = 4;
    const ADDS: usize = 15;
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let v = Arc::clone(&handles[t % 2]);
            std::thread::spawn(move || {
                let mut codes = Vec::new();
                for i in 0..ADDS {
                    v.add(draft(&format!("t{t}-{i}"), "user"), OnConflict::Reject, NOW)
                        .unwrap();
                    codes.push(v.next_hotp(hotp, NOW).unwrap());
                    v.put_blob(&format!("t{t}"), &i.to_be_bytes()).unwrap();
                }
                codes
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in threads {
        codes.extend(t.join().unwrap());
    }

    let list = handles[0].list().unwrap();
    assert!(list.failures.is_empty());
    assert_eq!(
        list.accounts.len(),
        1 + THREADS * ADDS,
        "every write landed"
    );
    let positions: Vec<i64> = list.accounts.iter().map(|a| a.position).collect();
    assert_eq!(
        positions,
        (0..list.accounts.len() as i64).collect::<Vec<_>>()
    );
    let issuers: BTreeSet<&str> = list.accounts.iter().map(|a| a.issuer.as_str()).collect();
    assert_eq!(issuers.len(), list.accounts.len());
    // The counter advanced once per call, and no code was handed out twice.
    assert_eq!(
        handles[1].get(hotp).unwrap().params.counter,
        (THREADS * ADDS) as u64
    );
    let expected: BTreeSet<String> = (1..=(THREADS * ADDS) as u64)
        .map(|c| hotp_draft().params.code_for_counter(c).unwrap())
        .collect();
    assert_eq!(codes.len(), THREADS * ADDS);
    assert_eq!(codes.into_iter().collect::<BTreeSet<_>>(), expected);
    for t in 0..THREADS {
        assert_eq!(
            handles[1].get_blob(&format!("t{t}")).unwrap(),
            Some((ADDS - 1).to_be_bytes().to_vec())
        );
    }
}

/// Child side of the SIGKILL test: runs only when re-executed with the environment set.
/// Adds accounts and takes HOTP codes forever, printing each acknowledged write (lines start
/// with `@@` so the parent can tell them from the harness's own output).
#[test]
fn sigkill_child_writer() {
    let Ok(path) = std::env::var("KUNCI_VAULT_WRITER") else {
        return;
    };
    let round = std::env::var("KUNCI_VAULT_ROUND").unwrap_or_default();
    let hotp: i64 = std::env::var("KUNCI_VAULT_HOTP").unwrap().parse().unwrap();
    let v = Vault::open_with_passphrase(&path, &pass()).unwrap();
    println!("@@ready");
    // Bounded, in case the parent dies without killing us.
    for i in 0..20_000 {
        let issuer = format!("r{round}-{i}");
        let a = v
            .add(draft(&issuer, "user"), OnConflict::Reject, NOW)
            .unwrap();
        println!("@@ack {} {issuer}", a.id);
        if i % 3 == 0 {
            let code = v.next_hotp(hotp, NOW).unwrap();
            println!("@@code {code}");
        }
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = TempDir::new("sigkill");
    let v = new_vault(&dir);
    let hotp = v.add(hotp_draft(), OnConflict::Reject, NOW).unwrap().id;
    drop(v);
    let exe = std::env::current_exe().unwrap();
    let mut acked: BTreeMap<i64, String> = BTreeMap::new();
    let mut codes_given = 0u64;
    let mut killed_mid_stream = 0;
    for round in 0..8 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "sigkill_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("KUNCI_VAULT_WRITER", dir.vault())
            .env("KUNCI_VAULT_ROUND", round.to_string())
            .env("KUNCI_VAULT_HOTP", hotp.to_string())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join(format!("child{round}.err"))).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            let mut codes = 0u64;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // The harness may print on the same line first ("test name ... @@ready").
                let Some(at) = line.find("@@") else { continue };
                let mut words = line[at + 2..].split_whitespace();
                match words.next() {
                    Some("ready") => {
                        let _ = ready_tx.send(());
                    }
                    Some("ack") => {
                        // A line cut by the kill does not parse and was not acknowledged.
                        if let (Some(Ok(id)), Some(issuer), None) = (
                            words.next().map(str::parse::<i64>),
                            words.next(),
                            words.next(),
                        ) {
                            acks.push((id, issuer.to_string()));
                        }
                    }
                    Some("code") if words.next().is_some_and(|c| c.len() == 6) => codes += 1,
                    _ => {}
                }
            }
            (acks, codes)
        });
        // Kill at a random point: sometimes while opening, mostly in the middle of writes.
        if round > 0 && ready_rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = child.kill();
            let err = std::fs::read_to_string(dir.path().join(format!("child{round}.err")));
            panic!("round {round}: the child never opened the vault: {err:?}");
        }
        std::thread::sleep(Duration::from_millis(rand::random_range(1..120)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let (acks, codes) = reader.join().unwrap();
        if !acks.is_empty() {
            killed_mid_stream += 1;
        }
        acked.extend(acks);
        codes_given += codes;

        let v = Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
        let list = v.list().unwrap();
        assert!(
            list.failures.is_empty(),
            "round {round}: {:?}",
            list.failures
        );
        let stored: BTreeMap<i64, &str> = list
            .accounts
            .iter()
            .map(|a| (a.id, a.issuer.as_str()))
            .collect();
        for (id, issuer) in &acked {
            assert_eq!(
                stored.get(id),
                Some(&issuer.as_str()),
                "round {round}: acked {id} lost"
            );
        }
        let issuers: BTreeSet<&str> = stored.values().copied().collect();
        assert_eq!(
            issuers.len(),
            stored.len(),
            "round {round}: nothing duplicated"
        );
        let positions: Vec<i64> = list.accounts.iter().map(|a| a.position).collect();
        assert_eq!(positions, (0..positions.len() as i64).collect::<Vec<_>>());
        // Every code handed out had its counter persisted first.
        assert!(
            v.get(hotp).unwrap().params.counter >= codes_given,
            "round {round}"
        );
    }
    eprintln!(
        "sigkill: {} acknowledged adds, {codes_given} HOTP codes, {killed_mid_stream} kills mid-stream",
        acked.len()
    );
    assert!(killed_mid_stream >= 3, "the kills landed among writes");
    assert!(acked.len() >= 5, "acked {}", acked.len());
}

/// A key store that calls back into the vault, as a platform callback might. If the vault held
/// its lock while calling the wrapper, this would deadlock.
struct ReentrantWrapper {
    vault: OnceLock<Arc<Vault>>,
    inner: FakeWrapper,
    calls: AtomicUsize,
}

impl ReentrantWrapper {
    fn touch_vault(&self) {
        if let Some(v) = self.vault.get() {
            v.slots().unwrap();
            let _ = v.is_locked();
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl KeyWrapper for ReentrantWrapper {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.touch_vault();
        self.inner.wrap(key)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.touch_vault();
        self.inner.unwrap(wrapped)
    }
}

#[test]
fn key_wrapper_is_never_called_under_the_lock() {
    let dir = TempDir::new("reentrant");
    let vault = Arc::new(new_vault(&dir));
    let wrapper = Arc::new(ReentrantWrapper {
        vault: OnceLock::new(),
        inner: FakeWrapper { device_key: 3 },
        calls: AtomicUsize::new(0),
    });
    let _ = wrapper.vault.set(Arc::clone(&vault));
    let (done_tx, done_rx) = mpsc::channel();
    let (v, w) = (Arc::clone(&vault), Arc::clone(&wrapper));
    std::thread::spawn(move || {
        v.add_platform_slot(&*w, NOW).unwrap();
        v.lock();
        v.unlock_with_key_wrapper(&*w).unwrap();
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("deadlock: a KeyWrapper was called with the vault lock held");
    assert!(wrapper.calls.load(Ordering::SeqCst) >= 3);
    assert!(!vault.is_locked());
}
