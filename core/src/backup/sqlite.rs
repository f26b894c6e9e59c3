//! Apps' internal SQLite databases, copied from a rooted phone: Google Authenticator
//! (`databases/databases`, table `accounts`), Microsoft Authenticator (`databases/PhoneFactor`,
//! table `accounts`) and Stratum / Authenticator Pro (`authenticator` table).
//!
//! The file is opened read-only from memory (SQLite's deserialize; nothing is written to disk),
//! in defensive mode with untrusted schemas, and only plain SELECTs of named columns are run, so
//! a hostile database can neither run triggers or views of its own nor write anything. Every
//! value is read as loosely as SQLite stores it: a bad row is refused, never the whole file.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::Refusal;
use super::{
    collect, damaged, read_raw, read_raw_base32, BackupError, Entry, Format, ImportBatch, RawEntry,
};
use crate::otp::OtpKind;
use crate::secret::Secret;
use rusqlite::{Connection, OpenFlags};

const MAGIC: &[u8] = b"SQLite format 3\0";

fn open(bytes: &[u8]) -> Result<Connection, BackupError> {
    let bad = |e: rusqlite::Error| damaged(format!("the database could not be opened ({e})"));
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(bad)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(bad)?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        false,
    )
    .map_err(bad)?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER,
        false,
    )
    .map_err(bad)?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW,
        false,
    )
    .map_err(bad)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), true)
        .map_err(bad)?;
    Ok(conn)
}

/// The columns of `table`, or none when the database or table cannot be read, or `table` is
/// a view (a view would run the file's own SQL).
fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let is_table = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get::<_, i64>(0),
        )
        .is_ok_and(|n| n == 1);
    if !is_table {
        return Vec::new();
    }
    let Ok(mut stmt) = conn.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return Vec::new();
    };
    stmt.query_map([table], |r| r.get::<_, String>(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn has_table(bytes: &[u8], table: &str, needed: &[&str]) -> bool {
    if !bytes.starts_with(MAGIC) {
        return false;
    }
    let Ok(conn) = open(bytes) else {
        return false;
    };
    let cols = columns(&conn, table);
    needed.iter().all(|n| cols.iter().any(|c| c == n))
}

/// One row, every requested column as text (numbers become their decimal text).
type Row = Vec<zeroize::Zeroizing<String>>;

fn rows(bytes: &[u8], table: &str, cols: &[&str]) -> Result<Vec<Row>, BackupError> {
    let conn = open(bytes)?;
    let have = columns(&conn, table);
    if let Some(missing) = cols.iter().find(|c| !have.iter().any(|h| h == *c)) {
        return Err(damaged(format!(
            "the table {table} has no column {missing}"
        )));
    }
    // Names come from our constants, quoted; never from the file.
    let list: Vec<String> = cols
        .iter()
        .map(|c| format!("CAST(\"{c}\" AS TEXT)"))
        .collect();
    let sql = format!("SELECT {} FROM \"{table}\" ORDER BY rowid", list.join(", "));
    let mut stmt = conn
        .prepare(&sql)
        .map_err(|e| damaged(format!("the table {table} could not be read ({e})")))?;
    let mapped = stmt
        .query_map([], |r| {
            (0..cols.len())
                .map(|i| {
                    r.get::<_, Option<String>>(i)
                        .map(|v| zeroize::Zeroizing::new(v.unwrap_or_default()))
                })
                .collect::<Result<Row, _>>()
        })
        .map_err(|e| damaged(format!("the table {table} could not be read ({e})")))?;
    let mut out = Vec::new();
    for row in mapped {
        out.push(row.map_err(|e| damaged(format!("a row could not be read ({e})")))?);
        if out.len() > 100_000 {
            return Err(damaged("the table has more rows than any authenticator"));
        }
    }
    Ok(out)
}

fn num(text: &str, what: &str) -> Result<u64, Refusal> {
    text.trim()
        .parse()
        .map_err(|_| Refusal::NotANumber(what.to_string()))
}

fn cell(row: &Row, i: usize) -> &str {
    row.get(i).map_or("", |s| s.as_str())
}

macro_rules! reader {
    ($reader:ident, $info:ident) => {
        pub(crate) struct $reader;
        impl Importer for $reader {
            fn info(&self) -> &'static FormatInfo {
                &$info
            }
            fn detect(&self, file: &Sniff<'_>) -> bool {
                detect(self.info().format, file.bytes)
            }
            fn read(
                &self,
                bytes: &[u8],
                _options: &ImportOptions<'_>,
            ) -> Result<ImportBatch, BackupError> {
                if !bytes.starts_with(MAGIC) {
                    return Err(BackupError::NotRecognized);
                }
                read(self.info().format, bytes)
            }
        }
    };
}

static GOOGLE: FormatInfo = FormatInfo {
    format: Format::GoogleDb,
    name: "google-db",
    aliases: &["google-authenticator-db"],
    title: "Google Authenticator's internal database (databases/databases, rooted phone)",
    keeps: "TOTP (30 s, 6 digits) and HOTP with counter; issuer and account name",
    cannot: "nothing else is stored there",
};
static MICROSOFT: FormatInfo = FormatInfo {
    format: Format::MicrosoftDb,
    name: "microsoft-db",
    aliases: &["phonefactor", "microsoft-authenticator-db"],
    title: "Microsoft Authenticator's internal database (databases/PhoneFactor, rooted phone)",
    keeps:
        "TOTP accounts (6 digits) and Microsoft personal accounts (8 digits); issuer and user name",
    cannot: "Microsoft work or school push sign-ins (they are not codes)",
};
static STRATUM_DB: FormatInfo = FormatInfo {
    format: Format::StratumDb,
    name: "stratum-db",
    aliases: &["authenticator-pro-db", "authpro-db"],
    title: "Stratum / Authenticator Pro internal database (authenticator.db3, rooted phone)",
    keeps: "TOTP, HOTP and Steam with algorithm, digits, period, counter; issuer and user name",
    cannot: "mOTP and Yandex entries; categories and icons",
};

reader!(GoogleReader, GOOGLE);
reader!(MicrosoftReader, MICROSOFT);
reader!(StratumReader, STRATUM_DB);

fn detect(format: Format, bytes: &[u8]) -> bool {
    match format {
        Format::GoogleDb => has_table(bytes, "accounts", &["email", "secret", "type"]),
        Format::MicrosoftDb => has_table(bytes, "accounts", &["oath_secret_key", "account_type"]),
        Format::StratumDb => has_table(bytes, "authenticator", &["secret", "type", "algorithm"]),
        _ => false,
    }
}

fn read(format: Format, bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    match format {
        Format::GoogleDb => read_google(bytes),
        Format::MicrosoftDb => read_microsoft(bytes),
        _ => read_stratum(bytes),
    }
}

fn raw(kind: OtpKind) -> RawEntry<'static> {
    RawEntry {
        kind,
        algorithm: None,
        digits: None,
        period: None,
        counter: None,
    }
}

fn read_google(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let rows = rows(
        bytes,
        "accounts",
        &["email", "secret", "type", "counter", "issuer"],
    )?;
    Ok(collect(rows.iter().enumerate().map(|(index, r)| {
        // Old versions stored "Issuer:name" in email.
        let email = cell(r, 0);
        let (prefix, name) = email.split_once(':').unwrap_or(("", email));
        let issuer = if cell(r, 4).trim().is_empty() {
            prefix
        } else {
            cell(r, 4)
        };
        let read = match cell(r, 2).trim() {
            "0" => read_raw_base32(&raw(OtpKind::Totp), cell(r, 1)),
            "1" => num(cell(r, 3), "counter").and_then(|c| {
                let mut hotp = raw(OtpKind::Hotp);
                hotp.counter = Some(c);
                read_raw_base32(&hotp, cell(r, 1))
            }),
            other => Err(Refusal::code_type(other)),
        };
        Entry::new(index, issuer, name, read)
    })))
}

fn read_microsoft(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let rows = rows(
        bytes,
        "accounts",
        &["name", "username", "oath_secret_key", "account_type"],
    )?;
    let entries = rows.iter().enumerate().filter_map(|(index, r)| {
        let read = match cell(r, 3).trim() {
            "0" => read_raw_base32(&raw(OtpKind::Totp), cell(r, 2)),
            // Microsoft personal accounts: base64 secret, 8 digits.
            "1" => super::json::b64_decode(cell(r, 2), "secret")
                .map_err(Refusal::File)
                .and_then(|s| {
                    let mut ms = raw(OtpKind::Totp);
                    ms.digits = Some(8);
                    read_raw(&ms, Secret::from_slice(&s))
                }),
            // Work or school accounts sign in by push: nothing to import, nothing to report.
            _ => return None,
        };
        Some(Entry::new(index, cell(r, 0), cell(r, 1), read))
    });
    Ok(collect(entries))
}

fn read_stratum(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let cols = [
        "issuer",
        "username",
        "secret",
        "type",
        "algorithm",
        "digits",
        "period",
        "counter",
    ];
    let rows = rows(bytes, "authenticator", &cols)?;
    Ok(collect(rows.iter().enumerate().map(|(index, r)| {
        let read = (|| {
            let kind = super::stratum::kind(num(cell(r, 3), "type")?)?;
            let algorithm = super::stratum::algorithm(num(cell(r, 4), "algorithm")?)?;
            let raw = RawEntry {
                kind,
                algorithm: Some(algorithm),
                digits: Some(num(cell(r, 5), "digits")?),
                period: Some(num(cell(r, 6), "period")?),
                counter: Some(num(cell(r, 7), "counter")?),
            };
            read_raw_base32(&raw, cell(r, 2))
        })();
        Entry::new(index, cell(r, 0), cell(r, 1), read)
    })))
}
