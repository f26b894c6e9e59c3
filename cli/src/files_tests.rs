//! Secret files: private mode, no link following, no silent overwrite (issue 17 finding 4).

use super::*;

struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "kunci-files-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn a_new_secret_file_is_private() {
    let s = Scratch::new("new");
    let p = s.0.join("export.txt");
    write_secret_file(&p, b"otpauth://totp/x?secret=AAAA", false).unwrap();
    assert_eq!(mode(&p), 0o600);
    assert_eq!(std::fs::read(&p).unwrap(), b"otpauth://totp/x?secret=AAAA");
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&s.0).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn an_existing_file_is_refused_without_force_and_replaced_private_with_it() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("exists");
    let p = s.0.join("export.txt");
    std::fs::write(&p, b"old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(
        write_secret_file(&p, b"new", false),
        Err(WriteError::Exists)
    ));
    assert_eq!(std::fs::read(&p).unwrap(), b"old");
    write_secret_file(&p, b"new", true).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"new");
    assert_eq!(mode(&p), 0o600, "the old file's 0644 was kept");
}

#[cfg(unix)]
#[test]
fn a_planted_symlink_is_replaced_not_followed() {
    let s = Scratch::new("link");
    let victim = s.0.join("victim");
    std::fs::write(&victim, b"do not touch").unwrap();
    let p = s.0.join("export.txt");
    std::os::unix::fs::symlink(&victim, &p).unwrap();
    // Without --force the link counts as an existing file.
    assert!(matches!(
        write_secret_file(&p, b"secret", false),
        Err(WriteError::Exists)
    ));
    write_secret_file(&p, b"secret", true).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"do not touch");
    assert!(!std::fs::symlink_metadata(&p)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(mode(&p), 0o600);
}

#[cfg(unix)]
#[test]
fn created_folders_are_private() {
    let s = Scratch::new("dir");
    let d = s.0.join("a").join("b");
    create_private_dir(&d).unwrap();
    assert_eq!(mode(&s.0.join("a")), 0o700);
    assert_eq!(mode(&d), 0o700);
}

#[test]
fn a_huge_sparse_file_is_refused_before_it_is_read() {
    let s = Scratch::new("huge");
    let p = s.0.join("big.png");
    let f = std::fs::File::create(&p).unwrap();
    // 2 GB of holes: reading it would allocate 2 GB (issue 17, finding 7).
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let err = read_limited(&p, MAX_IMAGE_FILE_BYTES, "a picture").unwrap_err();
    assert!(err.contains("too large"), "{err}");
    std::fs::write(&p, b"small").unwrap();
    assert_eq!(read_limited(&p, 5, "a picture").unwrap(), b"small");
    assert!(read_limited(&p, 4, "a picture").is_err());
}
