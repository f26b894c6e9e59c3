use super::*;
use crate::backup::import;

#[test]
fn backup_aegis_uuids_are_version_4() {
    let u = uuid_v4();
    assert_eq!(u.len(), 36);
    assert_eq!(u.as_bytes()[14], b'4');
    assert!(matches!(u.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    assert_ne!(u, uuid_v4());
}

#[test]
fn backup_aegis_icons_other_than_images_are_not_exported() {
    assert_eq!(icon_fields(Some("mdi:github")).0, Value::Null);
    assert_eq!(
        icon_fields(Some("data:text/html;base64,PGI+")).0,
        Value::Null
    );
    assert_eq!(
        icon_fields(Some("data:image/png;base64,%%%")).0,
        Value::Null
    );
    let (data, mime, hash) = icon_fields(Some("data:image/jpeg;base64,/9j/"));
    assert_eq!(
        (data.as_str(), mime.as_str()),
        (Some("/9j/"), Some("image/jpeg"))
    );
    use sha2::Digest;
    let expected = hex_encode(&sha2::Sha256::digest(b"image/jpeg\xff\xd8\xff"));
    assert_eq!(hash.as_str(), Some(expected.as_str()));
}

#[test]
fn backup_aegis_version_2_group_names_are_read() {
    let file = serde_json::json!({
        "version": 1, "header": {"slots": null, "params": null},
        "db": {"version": 2, "entries": [{
            "type": "totp", "name": "n", "issuer": "i", "group": "Old style",
            "icon": "/9j/", "info": {"secret": "GEZDGNBVGY3TQOJQ", "algo": "SHA1", "digits": 6, "period": 30}
        }]}
    });
    let batch = import(&serde_json::to_vec(&file).unwrap(), Format::Aegis, None).unwrap();
    assert_eq!(batch.accounts[0].group.as_deref(), Some("Old style"));
    assert_eq!(
        batch.accounts[0].icon.as_deref(),
        Some("data:image/jpeg;base64,/9j/")
    );
}
