//! Writing files that hold secrets (exports, enrollment QR images) and the folders Kunci makes.
//!
//! Every secret file is written to a fresh temporary file in the target's folder, created with
//! mode 0600 and `O_EXCL` (so it never follows or reuses a link an attacker planted), synced, then
//! renamed over the target. The rename replaces a symlink at the target instead of writing through
//! it, and an existing file keeps nothing of its own (mode, owner, links). Without `force`, an
//! existing target is refused, atomically (no check-then-write race).

use std::io::Write;
use std::path::Path;

/// Why a secret file was not written, in words for the person at the terminal.
#[derive(Debug)]
pub enum WriteError {
    /// The target exists and `--force` was not given.
    Exists,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists => {
                f.write_str("the file already exists; choose another name or add --force")
            }
            WriteError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Writes `bytes` to `path` readable by the owner only; replaces an existing file only when
/// `force` is set. The folder must exist (a typo in a path should not grow a folder tree).
pub fn write_secret_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Exists);
    }
    // tempfile creates the file with O_CREAT | O_EXCL and mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".kunci-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if force {
        tmp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    } else {
        // Atomic: fails if the name appeared since the check above.
        tmp.persist_noclobber(path)
            .map_err(|e| match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => WriteError::Exists,
                _ => WriteError::Io(e.error),
            })?;
    }
    sync_dir(dir);
    Ok(())
}

/// Creates `dir` and any missing parents, each private to the user (0700 on Unix). Folders that
/// already exist keep their mode.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Largest picture file the CLI reads (a 24 MP photo is under 15 MB as JPEG, a phone screenshot
/// under 5 MB as PNG).
pub const MAX_IMAGE_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a whole file only after checking its size, and never more than `max` bytes even if it
/// grows meanwhile: a 2 GB (even sparse) file costs nothing before it is refused.
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    let too_large = |len: u64| {
        format!(
            "{} is too large ({len} bytes) to be {what}; the limit is {} MiB",
            path.display(),
            max / (1024 * 1024)
        )
    };
    if len > max {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Makes the rename durable; a failure here only weakens crash safety, never correctness.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
