use super::*;

/// rusqlite_migration's `validate`: every prefix of the list applies to an empty database.
#[test]
fn every_migration_applies_in_order() {
    for upto in 1..=MIGRATIONS.len() {
        let conn = Connection::open_in_memory().unwrap();
        for m in &MIGRATIONS[..upto] {
            conn.execute_batch(m.sql).unwrap();
        }
    }
    let cipher = RecordCipher::new(&super::super::seal::random_key()).unwrap();
    let mut conn = Connection::open_in_memory().unwrap();
    let tx = conn.transaction().unwrap();
    migrate(&tx, &cipher).unwrap();
    migrate(&tx, &cipher).unwrap();
    tx.commit().unwrap();
    assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
}
