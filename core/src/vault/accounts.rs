//! The accounts repository: sealed rows in, accounts out.
//!
//! Reads unseal row by row, so one broken row is reported beside the others instead of hiding
//! them. Writes are one `BEGIN IMMEDIATE` transaction each; a row that does not open is never
//! overwritten by an edit (the edit fails with `TamperedRecord`). Every write bumps the row's
//! counter in the sealed [`Manifest`] in the same transaction; a row whose seal does not carry
//! the manifest's counter (rolled back, restored after deletion, or deleted) is tampered.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::manifest::Manifest;
use super::record::{self, AccountRecord};
use super::seal::{OpenBuffer, RecordCipher, RowRef, ACCOUNT_RECORD_VERSION};
use super::{Result, Unlocked, Vault, VaultError};
use crate::account::{embeds_content, AccountContent};
use crate::otp::OtpKind;

pub(crate) const ACCOUNTS_TABLE: &str = "accounts";
/// Longest issuer, name, notes, group or icon hint, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

pub use crate::account::AccountDraft;

/// A stored account. `position` orders the list (0 first); timestamps are unix seconds as the
/// caller passed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Issuer, name, code parameters, notes, group and icon (read through: `account.issuer`).
    pub content: AccountContent,
}

embeds_content!(Account);

/// What `add` does when an account with the same issuer and name (ignoring case) exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum OnConflict {
    /// Refuse with `Duplicate { existing_id }` so the caller can ask the user.
    #[default]
    Reject,
    /// The portal issued a new secret ("Reset MFA"): same id and position, new issuer, name and
    /// code parameters. Notes, group and icon are kept unless the draft sets them.
    Replace,
    /// Store a second account beside the first.
    KeepBoth,
}

/// What [`Vault::list_with`] returns: readable accounts in order, each with the value computed
/// for it, plus the rows that failed.
#[derive(Debug)]
pub struct MappedList<T> {
    pub accounts: Vec<(Account, T)>,
    pub failures: Vec<RowFailure>,
}

/// A row that could not be read; the rest of the list is still returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFailure {
    pub id: i64,
    pub error: VaultError,
}

/// Readable accounts in order, plus the rows that failed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountList {
    pub accounts: Vec<Account>,
    pub failures: Vec<RowFailure>,
}

/// The clear columns of a row.
#[derive(Debug, Clone, Copy)]
struct RowMeta {
    id: i64,
    position: i64,
    created_at: i64,
    updated_at: i64,
}

const SELECT_BY_ID: &str = "SELECT id, position, sealed FROM accounts WHERE id = ?1";
/// In storage order: a table scan reads pages in sequence, where `ORDER BY position` would look
/// up every row from the index; the list is sorted in memory instead.
const SELECT_ALL: &str = "SELECT id, position, sealed FROM accounts";

fn account(meta: RowMeta, r: AccountRecord) -> Account {
    Account {
        id: meta.id,
        position: meta.position,
        created_at: meta.created_at,
        updated_at: meta.updated_at,
        content: r,
    }
}

/// The sealed blob of an account row at its `counter`-th write.
pub(crate) fn seal_row(
    cipher: &RecordCipher,
    id: i64,
    counter: u64,
    record: &AccountRecord,
    created_at: i64,
    updated_at: i64,
) -> Vec<u8> {
    cipher.seal_as(
        ACCOUNT_RECORD_VERSION,
        ACCOUNTS_TABLE,
        RowRef::Counted { id, counter },
        &record::encode_v2(record, created_at, updated_at),
    )
}

/// The clear columns of one row and where its sealed blob sits in a [`SealedRows`] arena;
/// `None` where the column did not have the expected type (reported as tampering).
struct SealedRow {
    id: i64,
    position: Option<i64>,
    sealed: Option<std::ops::Range<usize>>,
}

/// Rows read from SQLite, not yet unsealed: the blobs side by side in one buffer (one
/// allocation per batch, and no SQLite handle needed to unseal them, so a long list unseals on
/// several threads while it is still being read).
#[derive(Default)]
struct SealedRows {
    rows: Vec<SealedRow>,
    blobs: Vec<u8>,
}

/// A batch of rows after unsealing: `results[i]` is `rows[i]`'s (taken out as the list is
/// handed back in order).
struct UnsealedRows<T> {
    rows: Vec<SealedRow>,
    results: Vec<Option<Result<T>>>,
}

impl SealedRows {
    fn push(&mut self, row: &Row<'_>) -> Result<()> {
        let id: i64 = row.get(0)?;
        let position = row.get::<_, i64>(1).ok();
        let sealed = row.get_ref(2).ok().and_then(|v| v.as_blob().ok()).map(|b| {
            let at = self.blobs.len();
            self.blobs.extend_from_slice(b);
            at..self.blobs.len()
        });
        self.rows.push(SealedRow {
            id,
            position,
            sealed,
        });
        Ok(())
    }

    /// Unseals every row in order and applies `map` to each readable one; a row that does not
    /// open is that row's error.
    fn unseal<T>(
        self,
        cipher: &RecordCipher,
        manifest: &Manifest,
        map: &impl Fn(RowMeta, AccountRecord) -> T,
    ) -> UnsealedRows<T> {
        let mut buf = OpenBuffer::default();
        let results = self
            .rows
            .iter()
            .map(|row| {
                Some(
                    unseal_row(row, &self.blobs, cipher, manifest, &mut buf)
                        .map(|(m, r)| map(m, r)),
                )
            })
            .collect();
        UnsealedRows {
            rows: self.rows,
            results,
        }
    }
}

/// Lists at least this long unseal on several threads (about 2 µs a row: below this, starting
/// a thread costs more than it saves).
const PARALLEL_UNSEAL_ROWS: usize = 512;
/// At most this many threads unseal one list.
const MAX_UNSEAL_THREADS: usize = 4;
/// Rows the reading thread hands over at a time: the first batch is ready within about 0.1 ms,
/// and one hand-over (a channel send) costs nothing next to unsealing 128 rows.
const UNSEAL_BATCH_ROWS: usize = 128;

type Batches = std::sync::mpsc::Receiver<SealedRows>;

/// Unseals the batches `queue` hands out until it is empty and closed.
fn unseal_batches<T>(
    queue: &std::sync::Mutex<Batches>,
    cipher: &RecordCipher,
    manifest: &Manifest,
    map: &impl Fn(RowMeta, AccountRecord) -> T,
) -> Vec<UnsealedRows<T>> {
    let mut out = Vec::new();
    loop {
        // The lock is held only while waiting for the next batch, never while unsealing.
        let next = queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .recv();
        let Ok(batch) = next else {
            return out;
        };
        out.push(batch.unseal(cipher, manifest, map));
    }
}

/// Reads every row on this thread and hands them to `threads - 1` others in batches, so
/// unsealing starts with the first rows instead of after the last; once the rows are read, this
/// thread unseals beside the others. Batches come back in no particular order.
fn read_and_unseal<T: Send>(
    rows: &mut rusqlite::Rows<'_>,
    threads: usize,
    cipher: &RecordCipher,
    manifest: &Manifest,
    map: &(impl Fn(RowMeta, AccountRecord) -> T + Sync),
) -> Result<Vec<UnsealedRows<T>>> {
    let (hand_over, queue) = std::sync::mpsc::channel::<SealedRows>();
    let queue = std::sync::Mutex::new(queue);
    let queue = &queue;
    std::thread::scope(|scope| {
        // A thread the system refuses to start is one helper fewer; this thread still unseals
        // whatever is left.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || unseal_batches(queue, cipher, manifest, map))
                    .ok()
            })
            .collect();
        let mut batch = SealedRows::default();
        // An error here returns with `hand_over` dropped: the helpers finish what they were
        // handed and stop, and the scope waits for them.
        while let Some(row) = rows.next()? {
            batch.push(row)?;
            if batch.rows.len() == UNSEAL_BATCH_ROWS {
                // The queue outlives this scope, so a send cannot fail.
                let _ = hand_over.send(std::mem::take(&mut batch));
            }
        }
        let _ = hand_over.send(batch);
        drop(hand_over);
        let mut out = unseal_batches(queue, cipher, manifest, map);
        for helper in helpers {
            // Unsealing does not panic on any bytes (they give errors); a panic in `map` goes
            // on in the caller, as it would have without threads.
            out.extend(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        Ok(out)
    })
}

/// Every row in order, then (as failures) every row the manifest lists that is missing.
///
/// A long list is read on this thread while others unseal it (up to [`MAX_UNSEAL_THREADS`] in
/// all); `map` runs on the thread that unsealed the row, and the results are handed to `f` in
/// list order.
fn for_each_row<T: Send>(
    conn: &Connection,
    cipher: &RecordCipher,
    manifest: &Manifest,
    map: impl Fn(RowMeta, AccountRecord) -> T + Sync,
    mut f: impl FnMut(i64, Result<T>),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(SELECT_ALL)?;
    let mut rows = stmt.query([])?;
    // The manifest says how many rows to expect.
    let threads = if manifest.len() >= PARALLEL_UNSEAL_ROWS {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_UNSEAL_THREADS)
    } else {
        1
    };
    let mut batches = if threads > 1 {
        read_and_unseal(&mut rows, threads, cipher, manifest, &map)?
    } else {
        let mut all = SealedRows::default();
        while let Some(row) = rows.next()? {
            all.push(row)?;
        }
        vec![all.unseal(cipher, manifest, &map)]
    };
    // List order: by position, then id (unique, so the order the batches came back in does not
    // matter); a row whose position is unreadable goes last. Rows usually come from SQLite in
    // that order already, which the sort notices in one pass.
    let mut order: Vec<(bool, Option<i64>, i64, u32, u32)> = batches
        .iter()
        .enumerate()
        .flat_map(|(b, batch)| {
            batch
                .rows
                .iter()
                .enumerate()
                .map(move |(i, r)| (r.position.is_none(), r.position, r.id, b as u32, i as u32))
        })
        .collect();
    order.sort_unstable();
    for &(_, _, id, b, i) in &order {
        if let Some(result) = batches[b as usize].results[i as usize].take() {
            f(id, result);
        }
    }
    // Ids seen, sorted and walked beside the manifest's (sorted) ids: cheaper per row than
    // hashing each id into a set.
    let mut seen: Vec<i64> = order.iter().map(|&(_, _, id, _, _)| id).collect();
    seen.sort_unstable();
    let mut seen = seen.into_iter().peekable();
    for id in manifest.ids() {
        while seen.next_if(|&s| s < id).is_some() {}
        if seen.next_if_eq(&id).is_none() {
            f(id, Err(VaultError::TamperedRecord { id }));
        }
    }
    Ok(())
}

/// Unseals one row (decrypting into `buf`, reused across a list).
fn unseal_row(
    row: &SealedRow,
    blobs: &[u8],
    cipher: &RecordCipher,
    manifest: &Manifest,
    buf: &mut OpenBuffer,
) -> Result<(RowMeta, AccountRecord)> {
    let id = row.id;
    let tampered = || VaultError::TamperedRecord { id };
    // A row the manifest does not list was deleted (or never written) by Kunci.
    let Some(counter) = manifest.counter(id) else {
        return Err(tampered());
    };
    let (Some(position), Some(sealed)) = (row.position, row.sealed.clone()) else {
        return Err(tampered());
    };
    let Some(sealed) = blobs.get(sealed) else {
        return Err(tampered());
    };
    let Ok(plain) = cipher.open_into(
        ACCOUNT_RECORD_VERSION,
        ACCOUNTS_TABLE,
        RowRef::Counted { id, counter },
        sealed,
        buf,
    ) else {
        return Err(tampered());
    };
    match record::decode_v2(plain) {
        Some((created_at, updated_at, record)) => Ok((
            RowMeta {
                id,
                position,
                created_at,
                updated_at,
            },
            record,
        )),
        None => Err(VaultError::Corrupted {
            reason: format!("account {id} opened but its contents do not decode"),
        }),
    }
}

fn load(
    conn: &Connection,
    cipher: &RecordCipher,
    manifest: &Manifest,
    id: i64,
) -> Result<(RowMeta, AccountRecord)> {
    let mut stmt = conn.prepare_cached(SELECT_BY_ID)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => {
            let mut one = SealedRows::default();
            one.push(row)?;
            one.unseal(cipher, manifest, &|m, r| (m, r))
                .results
                .pop()
                .flatten()
                .unwrap_or(Err(VaultError::NotFound { id }))
        }
        // Listed but gone: removed outside Kunci.
        None if manifest.counter(id).is_some() => Err(VaultError::TamperedRecord { id }),
        None => Err(VaultError::NotFound { id }),
    }
}

/// Reseals a row with its next write counter (the manifest is saved by the caller).
fn store(
    tx: &Transaction<'_>,
    cipher: &RecordCipher,
    manifest: &mut Manifest,
    meta: RowMeta,
    record: &AccountRecord,
) -> Result<()> {
    let counter = manifest.bump(meta.id);
    let sealed = seal_row(
        cipher,
        meta.id,
        counter,
        record,
        meta.created_at,
        meta.updated_at,
    );
    tx.prepare_cached("UPDATE accounts SET sealed = ?1 WHERE id = ?2")?
        .execute(rusqlite::params![sealed, meta.id])?;
    Ok(())
}

/// Characters that reorder the text around them (embeddings, overrides, isolates): shown in a
/// list they make "moc.knab" read as "bank.com" (Trojan Source). The marks LRM/RLM/ALM, which
/// only nudge neutral characters, stay allowed: right-to-left names need them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The label rule of otpauth URIs, for every source (URI, QR, importers, edits): no control
/// characters (ANSI escapes, NUL, newlines) and no bidirectional overrides. Notes may hold line
/// breaks and tabs.
fn check_text(field: &str, value: &str, multiline: bool) -> Result<()> {
    if value.len() > MAX_TEXT_BYTES {
        return Err(VaultError::InvalidInput {
            reason: format!("the {field} is longer than {MAX_TEXT_BYTES} bytes"),
        });
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\t' | '\r');
    if value
        .chars()
        .any(|c| (c.is_control() && !allowed(c)) || is_bidi_control(c))
    {
        return Err(VaultError::InvalidInput {
            reason: format!(
                "the {field} contains control or text-direction characters, which could \
                 disguise it on screen"
            ),
        });
    }
    Ok(())
}

fn validate(r: &AccountRecord) -> Result<()> {
    r.params.validate()?;
    check_text("issuer", &r.issuer, false)?;
    check_text("account name", &r.name, false)?;
    check_text("notes", &r.notes, true)?;
    check_text("group", r.group.as_deref().unwrap_or(""), false)?;
    check_text("icon hint", r.icon.as_deref().unwrap_or(""), false)?;
    Ok(())
}

/// Whether the vault would store `draft`, and if not why (for importers, to refuse one entry
/// instead of the whole file).
pub fn check_draft(draft: &AccountDraft) -> Result<()> {
    validate(draft)
}

/// Issuer and name the way a user tells accounts apart: trimmed, case-insensitive.
fn identity(issuer: &str, name: &str) -> (String, String) {
    (issuer.trim().to_lowercase(), name.trim().to_lowercase())
}

fn matches_query(a: &Account, needle: &str) -> bool {
    [
        a.issuer.as_str(),
        a.name.as_str(),
        a.notes.as_str(),
        a.group.as_deref().unwrap_or(""),
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(needle))
}

impl Vault {
    /// Adds an account (or resolves a conflict as `on_conflict` says) and returns it as stored.
    pub fn add(
        &self,
        draft: AccountDraft,
        on_conflict: OnConflict,
        now_unix: i64,
    ) -> Result<Account> {
        let mut added = self.add_all(vec![draft], on_conflict, now_unix)?;
        added.pop().ok_or(VaultError::Storage {
            reason: "an added account was not returned".into(),
        })
    }

    /// Adds many accounts in one transaction (an import): all are stored or none. Conflicts are
    /// checked against stored accounts and earlier drafts of the same batch; with `Reject`, the
    /// first conflict aborts the whole batch.
    pub fn add_all(
        &self,
        drafts: Vec<AccountDraft>,
        on_conflict: OnConflict,
        now_unix: i64,
    ) -> Result<Vec<Account>> {
        let records: Vec<AccountRecord> = drafts;
        for r in &records {
            validate(r)?;
        }
        let check_conflicts = on_conflict != OnConflict::KeepBoth;
        self.write_accounts(|tx, cipher, manifest| {
            // Identity -> the oldest account with it. Rows that do not open cannot be compared;
            // list() reports them.
            let mut known: HashMap<(String, String), (RowMeta, AccountRecord)> = HashMap::new();
            if check_conflicts {
                for_each_row(
                    tx,
                    cipher,
                    manifest,
                    |m, r| (m, r),
                    |_, row| {
                        if let Ok((meta, old)) = row {
                            let key = identity(&old.issuer, &old.name);
                            match known.get(&key) {
                                Some((m, _)) if m.id < meta.id => {}
                                _ => {
                                    known.insert(key, (meta, old));
                                }
                            }
                        }
                    },
                )?;
            }
            let mut next_position: i64 = tx.query_row(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM accounts",
                [],
                |r| r.get(0),
            )?;
            let mut added = Vec::with_capacity(records.len());
            for record in records {
                let key = identity(&record.issuer, &record.name);
                if let Some((meta, old)) = known.get(&key).filter(|_| check_conflicts) {
                    if on_conflict == OnConflict::Reject {
                        return Err(VaultError::Duplicate {
                            existing_id: meta.id,
                        });
                    }
                    let merged = AccountRecord {
                        notes: if record.notes.is_empty() {
                            old.notes.clone()
                        } else {
                            record.notes
                        },
                        group: record.group.or_else(|| old.group.clone()),
                        icon: record.icon.or_else(|| old.icon.clone()),
                        ..record
                    };
                    let meta = RowMeta {
                        updated_at: now_unix,
                        ..*meta
                    };
                    store(tx, cipher, manifest, meta, &merged)?;
                    added.push(account(meta, merged.clone()));
                    known.insert(key, (meta, merged));
                    continue;
                }
                // The manifest hands out ids (never reused) and counts the row's first write.
                let meta = RowMeta {
                    id: manifest.allocate()?,
                    position: next_position,
                    created_at: now_unix,
                    updated_at: now_unix,
                };
                let counter = manifest.bump(meta.id);
                let sealed = seal_row(cipher, meta.id, counter, &record, now_unix, now_unix);
                tx.prepare_cached(
                    "INSERT INTO accounts (id, position, sealed) VALUES (?1, ?2, ?3)",
                )?
                .execute(rusqlite::params![meta.id, next_position, sealed])?;
                next_position += 1;
                if check_conflicts {
                    known.insert(key, (meta, record.clone()));
                }
                added.push(account(meta, record));
            }
            Ok(added)
        })
    }

    /// Every account in order; rows that fail to open are listed in `failures`.
    pub fn list(&self) -> Result<AccountList> {
        let list = self.list_with(|_| ())?;
        Ok(AccountList {
            accounts: list.accounts.into_iter().map(|(a, ())| a).collect(),
            failures: list.failures,
        })
    }

    /// Like [`Vault::list`], with `f` applied to every readable account on the thread that
    /// unsealed it (a long list unseals on several threads): the all-codes screen computes its
    /// codes there. Accounts come in list order, each with what `f` returned.
    pub fn list_with<T: Send>(&self, f: impl Fn(&Account) -> T + Sync) -> Result<MappedList<T>> {
        self.read(|conn, Unlocked { cipher, .. }| {
            let manifest = Manifest::load(conn, cipher)?;
            let mut accounts = Vec::with_capacity(manifest.len());
            let mut failures = Vec::new();
            let map = |meta, record| {
                let a = account(meta, record);
                let t = f(&a);
                (a, t)
            };
            for_each_row(conn, cipher, &manifest, map, |id, row| match row {
                Ok(pair) => accounts.push(pair),
                Err(error) => failures.push(RowFailure { id, error }),
            })?;
            Ok(MappedList { accounts, failures })
        })
    }

    pub fn get(&self, id: i64) -> Result<Account> {
        self.read(|conn, Unlocked { cipher, .. }| {
            let manifest = Manifest::load(conn, cipher)?;
            let (meta, record) = load(conn, cipher, &manifest, id)?;
            Ok(account(meta, record))
        })
    }

    /// Accounts whose issuer, name, notes or group contain `query`, ignoring case. Matching runs
    /// in memory after unsealing: nothing searchable is stored in clear.
    pub fn search(&self, query: &str) -> Result<AccountList> {
        let needle = query.trim().to_lowercase();
        let mut list = self.list()?;
        list.accounts.retain(|a| matches_query(a, &needle));
        Ok(list)
    }

    /// Unseals, edits and reseals one row in one transaction.
    fn modify<T>(
        &self,
        id: i64,
        now_unix: i64,
        edit: impl FnOnce(&mut AccountRecord) -> Result<T>,
    ) -> Result<(Account, T)> {
        self.write_accounts(|tx, cipher, manifest| {
            let (meta, mut record) = load(tx, cipher, manifest, id)?;
            let out = edit(&mut record)?;
            validate(&record)?;
            let meta = RowMeta {
                updated_at: now_unix,
                ..meta
            };
            store(tx, cipher, manifest, meta, &record)?;
            Ok((account(meta, record), out))
        })
    }

    pub fn rename(&self, id: i64, issuer: &str, name: &str, now_unix: i64) -> Result<Account> {
        self.modify(id, now_unix, |r| {
            r.issuer = issuer.to_owned();
            r.name = name.to_owned();
            Ok(())
        })
        .map(|(a, ())| a)
    }

    pub fn set_notes(&self, id: i64, notes: &str, now_unix: i64) -> Result<Account> {
        self.modify(id, now_unix, |r| {
            r.notes = notes.to_owned();
            Ok(())
        })
        .map(|(a, ())| a)
    }

    pub fn set_group(&self, id: i64, group: Option<&str>, now_unix: i64) -> Result<Account> {
        self.modify(id, now_unix, |r| {
            r.group = group.map(str::to_owned);
            Ok(())
        })
        .map(|(a, ())| a)
    }

    pub fn set_icon(&self, id: i64, icon: Option<&str>, now_unix: i64) -> Result<Account> {
        self.modify(id, now_unix, |r| {
            r.icon = icon.map(str::to_owned);
            Ok(())
        })
        .map(|(a, ())| a)
    }

    /// HOTP "next code": the stored counter (whose code the list showed and the user spent)
    /// moves on by one, and the code at the new counter is returned. The counter is committed
    /// in the same transaction before the code leaves, so a code is never handed out twice,
    /// even by two processes at once or if the app dies right after.
    pub fn next_hotp(&self, id: i64, now_unix: i64) -> Result<String> {
        self.modify(id, now_unix, |r| {
            if r.params.kind != OtpKind::Hotp {
                return Err(VaultError::NotHotp { id });
            }
            r.params.counter = r
                .params
                .counter
                .checked_add(1)
                .ok_or(crate::otp::OtpError::CounterExhausted)?;
            Ok(r.params.code_for_counter(r.params.counter)?)
        })
        .map(|(_, code)| code)
    }

    /// Moves an account to `position` (0 = first; past the end = last) and renumbers the
    /// others densely. Content and timestamps are unchanged.
    pub fn reorder(&self, id: i64, position: i64) -> Result<()> {
        self.write(|tx, _| {
            let mut ids = Vec::new();
            {
                let mut stmt = tx.prepare("SELECT id FROM accounts ORDER BY position, id")?;
                let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
                for row in rows {
                    ids.push(row?);
                }
            }
            let from = ids
                .iter()
                .position(|&x| x == id)
                .ok_or(VaultError::NotFound { id })?;
            ids.remove(from);
            let to = usize::try_from(position.max(0))
                .unwrap_or(usize::MAX)
                .min(ids.len());
            ids.insert(to, id);
            let mut stmt = tx.prepare_cached(
                "UPDATE accounts SET position = ?1 WHERE id = ?2 AND position != ?1",
            )?;
            for (pos, rid) in ids.iter().enumerate() {
                stmt.execute(rusqlite::params![pos as i64, rid])?;
            }
            Ok(())
        })
    }

    /// Deletes an account (secure_delete zeroes its freed bytes) and closes the gap in order.
    /// Also clears a tampered row: one the manifest does not list, or a listed one that is gone.
    pub fn remove(&self, id: i64) -> Result<()> {
        self.write_accounts(|tx, _, manifest| {
            let listed = manifest.remove(id);
            let position: Option<i64> = tx
                .query_row("SELECT position FROM accounts WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(position) = position else {
                return if listed {
                    Ok(())
                } else {
                    Err(VaultError::NotFound { id })
                };
            };
            tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
            tx.execute(
                "UPDATE accounts SET position = position - 1 WHERE position > ?1",
                [position],
            )?;
            Ok(())
        })
    }

    /// Runs `f` in one write transaction with the manifest loaded; saves the manifest after it.
    fn write_accounts<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &RecordCipher, &mut Manifest) -> Result<T>,
    ) -> Result<T> {
        self.write(|tx, Unlocked { cipher, .. }| {
            let mut manifest = Manifest::load(tx, cipher)?;
            let out = f(tx, cipher, &mut manifest)?;
            manifest.save(tx, cipher)?;
            Ok(out)
        })
    }
}
