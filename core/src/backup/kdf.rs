//! Key derivation for backup files, under one budget per file and a cancel token.
//!
//! A file chooses its own key-derivation costs, so a hostile one can ask for gigabytes of memory,
//! minutes of work, or hundreds of password slots each worth a derivation (issue 17, finding 2:
//! 36 s and 1 GiB for 447 bytes of Aegis). Every derivation an importer runs goes through a
//! [`KdfBudget`] made for that one file: it refuses, before any work, a derivation above the peak
//! memory bound, a running total of memory × passes above the work bound, more than
//! [`MAX_DERIVATIONS`] derivations, or PBKDF2 iterations above their bound. The large preset of
//! libsodium (Ente's "sensitive", 1 GiB × 4) is allowed only after the user confirms
//! ([`BackupError::CostlyKdf`]). With a [`Cancel`] token, each derivation runs on its own thread
//! so the caller returns [`BackupError::Cancelled`] as soon as the user cancels.

use super::BackupError;
use std::sync::{Arc, Condvar, Mutex};
use zeroize::Zeroizing;

/// Derivations one file may cost: enough for a vault with a couple of password slots.
pub const MAX_DERIVATIONS: u32 = 3;
/// Peak memory of one derivation without the user's confirmation (Kunci writes 64 MiB; Aegis
/// scrypt 32 MiB; Ente's "moderate" preset 256 MiB).
pub const MAX_MEMORY_KIB: u64 = 256 << 10;
/// Memory × passes of all derivations of a file together (Ente moderate: 256 MiB × 3).
pub const MAX_WORK_KIB_PASSES: u64 = 1 << 20;
/// With the user's confirmation: libsodium's "sensitive" preset, 1 GiB × 4, and no more.
pub const CONFIRMED_MAX_MEMORY_KIB: u64 = 1 << 20;
pub const CONFIRMED_MAX_WORK_KIB_PASSES: u64 = 4 << 20;
/// PBKDF2 iterations of all derivations of a file together (andOTP writes up to 160 000,
/// FreeOTP 100 000, Authenticator Pro's old format 64 000, 2FAS 10 000).
pub const MAX_PBKDF2_ITERATIONS: u64 = 2_000_000;

/// Lets another thread stop a long import: `cancel()` makes the running derivation's caller
/// return [`BackupError::Cancelled`] at once (the abandoned derivation finishes in the
/// background and its key is wiped) and every later one is refused before it starts.
#[derive(Debug, Default)]
pub struct Cancel {
    state: Mutex<bool>,
    wake: Condvar,
}

impl Cancel {
    pub fn new() -> Arc<Cancel> {
        Arc::new(Cancel::default())
    }

    pub fn cancel(&self) {
        if let Ok(mut c) = self.state.lock() {
            *c = true;
        }
        self.wake.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.state.lock().map(|c| *c).unwrap_or(true)
    }
}

type Derived = Result<Zeroizing<[u8; 32]>, BackupError>;

/// The hash under PBKDF2's HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prf {
    Sha1,
    Sha256,
    /// FreeOTP 2's master key.
    Sha512,
}

/// The key-derivation allowance of one file.
pub(crate) struct KdfBudget {
    derivations: u32,
    work_kib_passes: u64,
    pbkdf2_iterations: u64,
    confirmed: bool,
    cancel: Option<Arc<Cancel>>,
}

fn unsafe_(reason: String) -> BackupError {
    BackupError::UnsafeParameters { reason }
}

impl KdfBudget {
    pub(crate) fn new(confirmed: bool, cancel: Option<Arc<Cancel>>) -> Self {
        KdfBudget {
            derivations: 0,
            work_kib_passes: 0,
            pbkdf2_iterations: 0,
            confirmed,
            cancel,
        }
    }

    /// Whether a later derivation is still allowed (a reader stops trying slots when not).
    pub(crate) fn derivations_left(&self) -> bool {
        self.derivations < MAX_DERIVATIONS
    }

    /// Charges one memory-hard derivation, or says why it is refused. `costly_ok` is whether
    /// this format may go up to the confirmed preset (Ente) at all.
    fn charge(&mut self, memory_kib: u64, passes: u64, costly_ok: bool) -> Result<(), BackupError> {
        self.check_cancel()?;
        if !self.derivations_left() {
            return Err(unsafe_(format!(
                "more than {MAX_DERIVATIONS} key derivations; Kunci tries no more"
            )));
        }
        let work = memory_kib.saturating_mul(passes);
        let total = self.work_kib_passes.saturating_add(work);
        let fits = memory_kib <= MAX_MEMORY_KIB && total <= MAX_WORK_KIB_PASSES;
        let fits_confirmed =
            memory_kib <= CONFIRMED_MAX_MEMORY_KIB && total <= CONFIRMED_MAX_WORK_KIB_PASSES;
        if !fits {
            let what = format!("{} MiB of memory × {passes} passes", memory_kib >> 10);
            if !(costly_ok && fits_confirmed) {
                return Err(unsafe_(what));
            }
            if !self.confirmed {
                return Err(BackupError::CostlyKdf {
                    memory_mib: memory_kib >> 10,
                    passes,
                });
            }
        }
        self.derivations += 1;
        self.work_kib_passes = total;
        Ok(())
    }

    fn check_cancel(&self) -> Result<(), BackupError> {
        match &self.cancel {
            Some(c) if c.is_cancelled() => Err(BackupError::Cancelled),
            _ => Ok(()),
        }
    }

    /// scrypt into 32 bytes. Memory is 128·N·r bytes, and ROMix goes over it twice per lane.
    pub(crate) fn scrypt(
        &mut self,
        password: &[u8],
        salt: &[u8],
        log_n: u8,
        r: u32,
        p: u32,
    ) -> Result<Zeroizing<[u8; 32]>, BackupError> {
        let n = 1u64.checked_shl(u32::from(log_n)).unwrap_or(u64::MAX);
        let memory_kib = n.saturating_mul(u64::from(r)).saturating_mul(128) >> 10;
        self.charge(memory_kib, u64::from(p).saturating_mul(2), false)?;
        let params = scrypt::Params::new(log_n, r, p, 32).map_err(|e| unsafe_(e.to_string()))?;
        self.run(password, salt, move |pw, salt, key| {
            scrypt::scrypt(pw, salt, &params, key).map_err(|e| unsafe_(e.to_string()))
        })
    }

    /// Argon2id v1.3 into 32 bytes. `costly_ok`: this format may ask the user to confirm up to
    /// the large libsodium preset.
    pub(crate) fn argon2id(
        &mut self,
        params: argon2::Params,
        password: &[u8],
        salt: &[u8],
        costly_ok: bool,
    ) -> Result<Zeroizing<[u8; 32]>, BackupError> {
        self.charge(
            u64::from(params.m_cost()),
            u64::from(params.t_cost()),
            costly_ok,
        )?;
        self.run(password, salt, move |pw, salt, key| {
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(pw, salt, key)
                .map_err(|e| unsafe_(e.to_string()))
        })
    }

    /// PBKDF2-HMAC with the given hash into 32 bytes.
    pub(crate) fn pbkdf2(
        &mut self,
        prf: Prf,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; 32]>, BackupError> {
        self.check_cancel()?;
        if iterations == 0 {
            return Err(unsafe_("0 PBKDF2 iterations".into()));
        }
        let total = self.pbkdf2_iterations.saturating_add(u64::from(iterations));
        if total > MAX_PBKDF2_ITERATIONS || !self.derivations_left() {
            return Err(unsafe_(format!("{iterations} PBKDF2 iterations")));
        }
        self.derivations += 1;
        self.pbkdf2_iterations = total;
        self.run(password, salt, move |pw, salt, key| {
            match prf {
                Prf::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw, salt, iterations, key),
                Prf::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pw, salt, iterations, key),
                Prf::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(pw, salt, iterations, key),
            }
            Ok(())
        })
    }

    /// Runs one derivation: inline without a cancel token; otherwise on a worker thread that
    /// owns copies of the inputs, while this thread waits for the result or the cancel.
    fn run(
        &self,
        password: &[u8],
        salt: &[u8],
        derive: impl FnOnce(&[u8], &[u8], &mut [u8]) -> Result<(), BackupError> + Send + 'static,
    ) -> Result<Zeroizing<[u8; 32]>, BackupError> {
        let Some(cancel) = self.cancel.clone() else {
            let mut key = Zeroizing::new([0u8; 32]);
            derive(password, salt, key.as_mut())?;
            return Ok(key);
        };
        let password = Zeroizing::new(password.to_vec());
        let salt = salt.to_vec();
        let slot: Arc<Mutex<Option<Derived>>> = Arc::new(Mutex::new(None));
        let (out, waker) = (Arc::clone(&slot), Arc::clone(&cancel));
        std::thread::Builder::new()
            .name("kunci-kdf".into())
            .spawn(move || {
                let mut key = Zeroizing::new([0u8; 32]);
                let result = derive(&password, &salt, key.as_mut()).map(|()| key);
                if let Ok(mut o) = out.lock() {
                    *o = Some(result);
                }
                // Take the cancel lock so the waiter cannot miss this wake-up.
                let _held = waker.state.lock();
                waker.wake.notify_all();
            })
            .map_err(|e| BackupError::Crypto {
                reason: format!("could not start the key derivation: {e}"),
            })?;
        let mut cancelled = cancel.state.lock().map_err(|_| BackupError::Cancelled)?;
        loop {
            if let Some(result) = slot.lock().ok().and_then(|mut s| s.take()) {
                return result;
            }
            if *cancelled {
                return Err(BackupError::Cancelled);
            }
            cancelled = cancel
                .wake
                .wait(cancelled)
                .map_err(|_| BackupError::Cancelled)?;
        }
    }
}
