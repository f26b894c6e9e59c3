//! The encrypted offline store: one SQLite file (WAL), sealed rows, key slots.
//!
//! - Every account's sensitive fields (secret, issuer, name, notes, group, icon and the OTP
//!   parameters) are sealed per row with XChaCha20-Poly1305 under a random 256-bit vault key
//!   ([`seal`]); only ids, positions and timestamps are in clear.
//! - The vault key is wrapped in key slots ([`keys`]): Argon2id passphrase slots and platform
//!   slots through a [`KeyWrapper`]. A sealed check value tells a wrong key from a right one.
//! - Opening reads and checks first (header, schema version, integrity, key) and only then
//!   migrates: a damaged or newer file is reported and left byte-for-byte as it was.
//! - [`Vault`] is `Send + Sync`: one connection behind a mutex, methods take `&self`, every
//!   change is one `BEGIN IMMEDIATE` transaction, and a `KeyWrapper` or the KDF is never called
//!   with the mutex held.
//! - Nothing here reads a clock: timestamps are `now_unix` arguments.

mod accounts;
mod error;
mod keys;
mod manifest;
mod record;
mod rotate;
mod schema;
mod seal;
mod strength;
mod upgrade;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

pub use accounts::{
    check_draft, Account, AccountDraft, AccountList, MappedList, OnConflict, RowFailure,
};
pub use error::{KeyWrapperError, VaultError};
pub use keys::{KdfParams, KeySlotInfo, KeyWrapper, SlotKind};
pub use schema::SCHEMA_VERSION;
pub use strength::passphrase_strength;

use keys::PassphraseSlot;
use seal::{RecordCipher, RowRef};

use crate::secret::Secret;

/// How long a write waits for another process's transaction before reporting `Busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Page size of a new vault file (SQLite's default is 4 KiB). Every list and every open (its
/// integrity check) reads the whole file, and writes are a few rows at a time: larger pages
/// mean fewer page reads and checks. Open + list + codes, 10 and 10,000 accounts, eight
/// interleaved runs: 2.15 µs per extra account at 4 KiB, 1.96 at 32 KiB, 1.94 at 64 KiB. An
/// empty vault is 10 pages: 320 KiB at this size (40 KiB at 4 KiB, 640 at 64). A file made
/// with another page size keeps it.
const PAGE_SIZE: u32 = 32 * 1024;
const META_TABLE: &str = "vault_meta";
const SETTINGS_TABLE: &str = "settings";
/// Sealed with the vault key into `vault_meta.key_check`; opening it proves the key is right.
const KEY_CHECK: &[u8] = b"kunci vault key check v1";
/// Bytes of the sealed time mark appended to the key check.
const TIME_MARK_BYTES: usize = 8;
/// Longest settings key; keys are names like `time.anchor`, stored in clear.
pub const MAX_SETTING_KEY_BYTES: usize = 128;
/// Largest settings value.
pub const MAX_SETTING_BYTES: usize = 1024 * 1024;

type Result<T, E = VaultError> = std::result::Result<T, E>;

/// The vault key while unlocked.
struct Unlocked {
    key: Secret,
    cipher: RecordCipher,
}

struct Inner {
    conn: Connection,
    unlocked: Option<Unlocked>,
}

/// An open vault file. Dropping it (or [`Vault::lock`]) forgets the key.
pub struct Vault {
    path: PathBuf,
    inner: Mutex<Inner>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What opening reads before any key is tried or anything is written.
struct Header {
    version: u32,
    key_check: Vec<u8>,
    passphrase_slots: Vec<(i64, PassphraseSlot)>,
    platform_slots: Vec<(i64, Vec<u8>)>,
}

impl Vault {
    // ----- create -------------------------------------------------------------------------

    /// Creates a new vault at `path` opened by `passphrase`. Refuses to touch an existing
    /// non-empty file.
    pub fn create(
        path: impl AsRef<Path>,
        passphrase: &Secret,
        kdf: KdfParams,
        now_unix: i64,
    ) -> Result<Vault> {
        let path = path.as_ref();
        refuse_existing(path)?;
        let key = seal::random_key();
        let slot = PassphraseSlot::create(&key, passphrase, kdf)?;
        Self::create_with_slot(path, key, NewSlot::Passphrase(slot), now_unix)
    }

    /// Creates a new vault opened only by the platform key store (the mobile default).
    pub fn create_with_key_wrapper(
        path: impl AsRef<Path>,
        wrapper: &dyn KeyWrapper,
        now_unix: i64,
    ) -> Result<Vault> {
        let path = path.as_ref();
        refuse_existing(path)?;
        let key = seal::random_key();
        let wrapped = wrap_verified(wrapper, &key)?;
        Self::create_with_slot(path, key, NewSlot::Platform(wrapped), now_unix)
    }

    fn create_with_slot(path: &Path, key: Secret, slot: NewSlot, now_unix: i64) -> Result<Vault> {
        let cipher = RecordCipher::new(&key).ok_or(VaultError::Corrupted {
            reason: "the vault key has the wrong length".into(),
        })?;
        create_private_file(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure_connection(&conn)?;
        // Only takes effect on an empty file, before the first table.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if objects != 0 || schema::user_version(&tx)? != 0 {
            return Err(VaultError::AlreadyExists);
        }
        schema::migrate(&tx, &cipher)?;
        tx.execute(
            "INSERT INTO vault_meta (id, format, created_at, key_check) VALUES (1, ?1, ?2, ?3)",
            rusqlite::params![
                schema::FORMAT,
                now_unix,
                cipher.seal(META_TABLE, RowRef::Id(1), KEY_CHECK)
            ],
        )?;
        insert_slot(&tx, &slot, now_unix)?;
        tx.commit()?;
        // After the first commit the file exists with a header; WAL is recorded in it.
        set_wal(&conn)?;
        Ok(Vault {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                unlocked: Some(Unlocked { key, cipher }),
            }),
        })
    }

    // ----- open ---------------------------------------------------------------------------

    /// Opens an existing vault with its passphrase. A damaged, foreign or newer file is
    /// reported without writing to it; migrations run only after the key check passed.
    pub fn open_with_passphrase(path: impl AsRef<Path>, passphrase: &Secret) -> Result<Vault> {
        let path = path.as_ref();
        let mut conn = connect_existing(path)?;
        let header = read_header(&mut conn, true)?;
        let unlocked = unlock_by_passphrase(&header, passphrase)?;
        Self::finish_open(path, conn, header.version, unlocked)
    }

    /// Opens an existing vault through a platform key slot.
    pub fn open_with_key_wrapper(
        path: impl AsRef<Path>,
        wrapper: &dyn KeyWrapper,
    ) -> Result<Vault> {
        let path = path.as_ref();
        let mut conn = connect_existing(path)?;
        let header = read_header(&mut conn, true)?;
        let unlocked = unlock_by_wrapper(&header, wrapper)?;
        Self::finish_open(path, conn, header.version, unlocked)
    }

    fn finish_open(
        path: &Path,
        mut conn: Connection,
        version: u32,
        unlocked: Unlocked,
    ) -> Result<Vault> {
        // Only once the key proved this is our vault: a foreign file keeps its mode.
        make_private(path)?;
        set_wal(&conn)?;
        if version < SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx, &unlocked.cipher)?;
            tx.commit()?;
            // The old rows (clear timestamps, unpadded) leave the WAL too.
            checkpoint(&conn);
        }
        Ok(Vault {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                unlocked: Some(unlocked),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    // ----- lock / unlock ------------------------------------------------------------------

    /// Forgets the vault key; everything but [`Vault::slots`] and the unlock calls then
    /// returns `Locked`.
    pub fn lock(&self) {
        self.guard().unlocked = None;
    }

    pub fn is_locked(&self) -> bool {
        self.guard().unlocked.is_none()
    }

    pub fn unlock_with_passphrase(&self, passphrase: &Secret) -> Result<()> {
        let header = read_header(&mut self.guard().conn, false)?;
        // The KDF runs with the mutex released.
        let unlocked = unlock_by_passphrase(&header, passphrase)?;
        self.guard().unlocked = Some(unlocked);
        Ok(())
    }

    pub fn unlock_with_key_wrapper(&self, wrapper: &dyn KeyWrapper) -> Result<()> {
        let header = read_header(&mut self.guard().conn, false)?;
        // The foreign call runs with the mutex released.
        let unlocked = unlock_by_wrapper(&header, wrapper)?;
        self.guard().unlocked = Some(unlocked);
        Ok(())
    }

    // ----- key slots ----------------------------------------------------------------------

    pub fn slots(&self) -> Result<Vec<KeySlotInfo>> {
        let guard = self.guard();
        let mut stmt = guard.conn.prepare(
            "SELECT id, kind, kdf_m_kib, kdf_t, kdf_p, created_at FROM key_slots ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, m, t, p, created_at) = row?;
            let kind = match kind.as_str() {
                "passphrase" => SlotKind::Passphrase,
                "platform" => SlotKind::Platform,
                _ => {
                    return Err(VaultError::Corrupted {
                        reason: format!("key slot {id} has an unknown kind"),
                    })
                }
            };
            let kdf = match kind {
                SlotKind::Passphrase => kdf_from_columns(m, t, p),
                SlotKind::Platform => None,
            };
            out.push(KeySlotInfo {
                id,
                kind,
                kdf,
                created_at,
            });
        }
        Ok(out)
    }

    /// Adds a passphrase slot; returns its id. Existing slots and accounts are untouched.
    pub fn add_passphrase_slot(
        &self,
        passphrase: &Secret,
        kdf: KdfParams,
        now_unix: i64,
    ) -> Result<i64> {
        let key = self.vault_key()?;
        let slot = PassphraseSlot::create(&key, passphrase, kdf)?;
        self.write(|tx, _| insert_slot(tx, &NewSlot::Passphrase(slot), now_unix))
    }

    /// Adds a platform slot through `wrapper` (checked by unwrapping once); returns its id.
    pub fn add_platform_slot(&self, wrapper: &dyn KeyWrapper, now_unix: i64) -> Result<i64> {
        let key = self.vault_key()?;
        let wrapped = wrap_verified(wrapper, &key)?;
        self.write(|tx, _| insert_slot(tx, &NewSlot::Platform(wrapped), now_unix))
    }

    /// Puts one platform slot through `wrapper` (checked by unwrapping once) in place of every
    /// platform slot, in one transaction; returns its id. The app lock swaps the phone's key for
    /// one that needs the user (and back): the old key must stop opening the vault, and a crash
    /// halfway must leave a vault that still opens with one of the two.
    pub fn replace_platform_slots(&self, wrapper: &dyn KeyWrapper, now_unix: i64) -> Result<i64> {
        let key = self.vault_key()?;
        let wrapped = wrap_verified(wrapper, &key)?;
        self.write(|tx, _| {
            tx.execute(
                "DELETE FROM key_slots WHERE kind = ?1",
                [SlotKind::Platform.as_str()],
            )?;
            insert_slot(tx, &NewSlot::Platform(wrapped), now_unix)
        })
    }

    /// Removes a slot. The last slot cannot go: the vault would never open again.
    pub fn remove_slot(&self, id: i64) -> Result<()> {
        self.write(|tx, _| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM key_slots WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(VaultError::SlotNotFound { id });
            }
            let count: i64 = tx.query_row("SELECT count(*) FROM key_slots", [], |r| r.get(0))?;
            if count <= 1 {
                return Err(VaultError::LastSlot);
            }
            tx.execute("DELETE FROM key_slots WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    // ----- settings -----------------------------------------------------------------------

    /// A sealed settings value (`None` if never set).
    pub fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>> {
        check_setting_key(key)?;
        self.read(|conn, unlocked| {
            let sealed: Option<Vec<u8>> = conn
                .query_row("SELECT sealed FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| match VaultError::from(e) {
                    VaultError::Storage { .. } => VaultError::TamperedSetting { key: key.into() },
                    other => other,
                })?;
            let Some(sealed) = sealed else {
                return Ok(None);
            };
            let plain = unlocked
                .cipher
                .open(SETTINGS_TABLE, RowRef::Key(key), &sealed)
                .map_err(|_| VaultError::TamperedSetting { key: key.into() })?;
            Ok(Some(plain.to_vec()))
        })
    }

    /// Stores (or replaces) a sealed settings value.
    pub fn put_blob(&self, key: &str, bytes: &[u8]) -> Result<()> {
        check_setting_key(key)?;
        if bytes.len() > MAX_SETTING_BYTES {
            return Err(VaultError::InvalidInput {
                reason: format!("a setting holds at most {MAX_SETTING_BYTES} bytes"),
            });
        }
        self.write(|tx, unlocked| {
            let sealed = unlocked
                .cipher
                .seal(SETTINGS_TABLE, RowRef::Key(key), bytes);
            tx.execute(
                "INSERT INTO settings (key, sealed) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET sealed = excluded.sealed",
                rusqlite::params![key, sealed],
            )?;
            Ok(())
        })
    }

    /// Removes a settings value; `false` if there was none.
    pub fn remove_blob(&self, key: &str) -> Result<bool> {
        check_setting_key(key)?;
        self.write(|tx, _| Ok(tx.execute("DELETE FROM settings WHERE key = ?1", [key])? > 0))
    }

    // ----- sealed time mark ---------------------------------------------------------------

    /// The trusted-time high-water mark sealed inside the key check (`None`: never set). It
    /// lives there because the key check cannot be removed or swapped for another vault's
    /// without the vault failing to open: deleting the time state no longer erases what time
    /// we know has passed.
    pub fn time_mark(&self) -> Result<Option<i64>> {
        self.read(|conn, unlocked| {
            let sealed: Vec<u8> =
                conn.query_row("SELECT key_check FROM vault_meta WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
            let plain = unlocked
                .cipher
                .open(META_TABLE, RowRef::Id(1), &sealed)
                .map_err(|_| VaultError::Corrupted {
                    reason: "the key check cannot be opened".into(),
                })?;
            let mark = plain
                .get(KEY_CHECK.len()..)
                .and_then(|b| <[u8; TIME_MARK_BYTES]>::try_from(b).ok())
                .map(i64::from_le_bytes);
            Ok(mark)
        })
    }

    /// Replaces the sealed time mark (the key check is re-sealed with it).
    pub fn set_time_mark(&self, utc_ms: i64) -> Result<()> {
        self.write(|tx, unlocked| {
            let plain = [KEY_CHECK, &utc_ms.to_le_bytes()].concat();
            let sealed = unlocked.cipher.seal(META_TABLE, RowRef::Id(1), &plain);
            tx.execute(
                "UPDATE vault_meta SET key_check = ?1 WHERE id = 1",
                rusqlite::params![sealed],
            )?;
            Ok(())
        })
    }

    // ----- plumbing -----------------------------------------------------------------------

    fn guard(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock left no transaction open (Transaction rolls back on
        // drop), so the connection is still consistent.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn vault_key(&self) -> Result<Secret> {
        self.guard()
            .unlocked
            .as_ref()
            .map(|u| u.key.clone())
            .ok_or(VaultError::Locked)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction; commits if it returns `Ok`.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>, &Unlocked) -> Result<T>) -> Result<T> {
        let mut guard = self.guard();
        let Inner { conn, unlocked } = &mut *guard;
        let unlocked = unlocked.as_ref().ok_or(VaultError::Locked)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, unlocked)?;
        tx.commit()?;
        Ok(out)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection, &Unlocked) -> Result<T>) -> Result<T> {
        let guard = self.guard();
        let unlocked = guard.unlocked.as_ref().ok_or(VaultError::Locked)?;
        f(&guard.conn, unlocked)
    }
}

enum NewSlot {
    Passphrase(PassphraseSlot),
    Platform(Vec<u8>),
}

fn insert_slot(tx: &Transaction<'_>, slot: &NewSlot, now_unix: i64) -> Result<i64> {
    match slot {
        NewSlot::Passphrase(s) => tx.execute(
            "INSERT INTO key_slots (kind, kdf_m_kib, kdf_t, kdf_p, kdf_salt, wrapped_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                SlotKind::Passphrase.as_str(),
                s.kdf.memory_kib,
                s.kdf.iterations,
                s.kdf.parallelism,
                s.salt,
                s.wrapped,
                now_unix
            ],
        )?,
        NewSlot::Platform(wrapped) => tx.execute(
            "INSERT INTO key_slots (kind, wrapped_key, created_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![SlotKind::Platform.as_str(), wrapped, now_unix],
        )?,
    };
    Ok(tx.last_insert_rowid())
}

fn kdf_from_columns(m: Option<i64>, t: Option<i64>, p: Option<i64>) -> Option<KdfParams> {
    let kdf = KdfParams {
        memory_kib: u32::try_from(m?).ok()?,
        iterations: u32::try_from(t?).ok()?,
        parallelism: u32::try_from(p?).ok()?,
    };
    kdf.validate().ok().map(|()| kdf)
}

fn wrap_verified(wrapper: &dyn KeyWrapper, key: &Secret) -> Result<Vec<u8>> {
    let wrapped = keys::platform_wrap(wrapper, key)?;
    // A key store that cannot give the key back would lock the user out later; find out now.
    if keys::platform_unwrap(wrapper, &wrapped)? != *key {
        return Err(KeyWrapperError::Failed {
            reason: "the key store did not return the key it wrapped".into(),
        }
        .into());
    }
    Ok(wrapped)
}

fn refuse_existing(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        // A link could point SQLite at another file; a vault is a plain file.
        Ok(m) if m.file_type().is_symlink() => Err(VaultError::InvalidInput {
            reason: "the vault path is a symbolic link; give the real file's path".into(),
        }),
        Ok(m) if m.len() > 0 => Err(VaultError::AlreadyExists),
        _ => Ok(()),
    }
}

/// Creates the (empty) vault file readable by its owner only before SQLite opens it: SQLite
/// gives the `-wal` and `-shm` files it makes the main file's mode, so all three are private. An
/// empty file left by an earlier failed attempt is made private too.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => make_private(path),
        Err(e) => Err(e.into()),
    }
}

/// Removes group and other access from the vault and the files SQLite keeps beside it. Vaults
/// made by earlier versions were world-readable (`-rw-r--r--`); opening fixes that.
fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            let Ok(meta) = std::fs::symlink_metadata(file) else {
                continue;
            };
            if meta.file_type().is_file() && meta.permissions().mode() & 0o077 != 0 {
                let mode = meta.permissions().mode() & 0o700;
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn check_setting_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_SETTING_KEY_BYTES {
        return Err(VaultError::InvalidInput {
            reason: format!("a setting name has 1 to {MAX_SETTING_KEY_BYTES} bytes"),
        });
    }
    Ok(())
}

/// Connection settings that write nothing to the file.
fn configure_connection(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // secure_delete: freed pages are zeroed; temp_store: sorts and temp tables stay in RAM;
    // synchronous=FULL: an acknowledged change survives power loss, not only a crash;
    // cache_size: up to 16 MiB of pages (SQLite's default is 2 MiB), so the pages the integrity
    // check read at open are still there for the first list of a large vault (10,000 accounts
    // are 3.5 MiB; open + list took 10-15 % less in a non-LTO loop of 100 opens and lists). It
    // grows only as pages are read.
    conn.execute_batch(
        "PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA synchronous = FULL;
         PRAGMA cell_size_check = ON;
         PRAGMA cache_size = -16384;",
    )?;
    Ok(())
}

/// Copies the WAL into the file and truncates it, so superseded sealed rows (old key, old
/// layout) do not linger there; secure_delete has zeroed them in the main file. Best effort:
/// another reader may hold the WAL, and the next checkpoint finishes the job.
fn checkpoint(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

fn set_wal(conn: &Connection) -> Result<()> {
    // Returns the mode in force; a file system without shared memory keeps the old mode, which
    // is still correct, only less concurrent.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    Ok(())
}

/// Checks the file looks like SQLite before SQLite sees it, then opens without CREATE.
fn connect_existing(path: &Path) -> Result<Connection> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VaultError::Missing),
        Err(e) => return Err(e.into()),
    };
    let mut head = [0u8; 100];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    if filled == 0 {
        return Err(VaultError::Corrupted {
            reason: "the file is empty".into(),
        });
    }
    if filled < head.len() || &head[..16] != SQLITE_MAGIC {
        // ok: head is [u8; 100]
        return Err(VaultError::Corrupted {
            reason: "this is not a Kunci vault file (or its header is torn)".into(),
        });
    }
    drop(file);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure_connection(&conn)?;
    Ok(conn)
}

/// Reads the schema version, (optionally) checks integrity, and loads the key check and slots,
/// all in one read transaction. Writes nothing.
fn read_header(conn: &mut Connection, integrity: bool) -> Result<Header> {
    let tx = conn.transaction()?;
    let not_a_vault = |e: rusqlite::Error| match VaultError::from(e) {
        VaultError::Storage { reason } => VaultError::Corrupted {
            reason: format!("not a readable Kunci vault: {reason}"),
        },
        other => other,
    };
    let version = schema::user_version(&tx)?;
    if version > SCHEMA_VERSION {
        return Err(VaultError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == 0 {
        return Err(VaultError::Corrupted {
            reason: "this is not a Kunci vault (no schema)".into(),
        });
    }
    if integrity {
        let verdict: String = tx
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(not_a_vault)?;
        if verdict != "ok" {
            return Err(VaultError::Corrupted {
                reason: format!("integrity check failed: {verdict}"),
            });
        }
    }
    let (format, key_check): (String, Vec<u8>) = tx
        .query_row(
            "SELECT format, key_check FROM vault_meta WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(not_a_vault)?
        .ok_or_else(|| VaultError::Corrupted {
            reason: "the vault header row is missing".into(),
        })?;
    if format != schema::FORMAT {
        return Err(VaultError::Corrupted {
            reason: "this is not a Kunci vault (unknown format)".into(),
        });
    }
    let mut passphrase_slots = Vec::new();
    let mut platform_slots = Vec::new();
    {
        let mut stmt = tx
            .prepare(
                "SELECT id, kind, kdf_m_kib, kdf_t, kdf_p, kdf_salt, wrapped_key
                 FROM key_slots ORDER BY id",
            )
            .map_err(not_a_vault)?;
        let mut rows = stmt.query([]).map_err(not_a_vault)?;
        while let Some(r) = rows.next().map_err(not_a_vault)? {
            // A slot whose columns do not parse is skipped: it cannot open, others still can.
            let Ok(id) = r.get::<_, i64>(0) else { continue };
            let Ok(kind) = r.get::<_, String>(1) else {
                continue;
            };
            let Ok(wrapped) = r.get::<_, Vec<u8>>(6) else {
                continue;
            };
            match kind.as_str() {
                "passphrase" => {
                    let kdf = kdf_from_columns(
                        r.get(2).ok().flatten(),
                        r.get(3).ok().flatten(),
                        r.get(4).ok().flatten(),
                    );
                    let salt: Option<Vec<u8>> = r.get(5).ok().flatten();
                    if let (Some(kdf), Some(salt)) = (kdf, salt) {
                        passphrase_slots.push((id, PassphraseSlot { kdf, salt, wrapped }));
                    }
                }
                "platform" => platform_slots.push((id, wrapped)),
                _ => {}
            }
        }
    }
    tx.finish()?;
    Ok(Header {
        version,
        key_check,
        passphrase_slots,
        platform_slots,
    })
}

fn verify_key(header: &Header, key: Secret) -> Option<Unlocked> {
    let cipher = RecordCipher::new(&key)?;
    let check = cipher
        .open(META_TABLE, RowRef::Id(1), &header.key_check)
        .ok()?;
    // The key check may carry the sealed time mark after the constant (see `set_time_mark`).
    let ok = check.starts_with(KEY_CHECK)
        && matches!(check.len() - KEY_CHECK.len(), 0 | TIME_MARK_BYTES);
    ok.then_some(Unlocked { key, cipher })
}

fn unlock_by_passphrase(header: &Header, passphrase: &Secret) -> Result<Unlocked> {
    for (_, slot) in &header.passphrase_slots {
        if let Some(key) = slot.open(passphrase)? {
            if let Some(unlocked) = verify_key(header, key) {
                return Ok(unlocked);
            }
        }
    }
    Err(VaultError::WrongPassphrase)
}

fn unlock_by_wrapper(header: &Header, wrapper: &dyn KeyWrapper) -> Result<Unlocked> {
    if header.platform_slots.is_empty() {
        return Err(VaultError::NoPlatformSlot);
    }
    let mut last_error = None;
    for (_, wrapped) in &header.platform_slots {
        match keys::platform_unwrap(wrapper, wrapped) {
            Ok(key) => {
                if let Some(unlocked) = verify_key(header, key) {
                    return Ok(unlocked);
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or(VaultError::WrongPassphrase))
}

#[cfg(test)]
mod tests;
