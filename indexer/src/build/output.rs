//! The output file: refused early when it cannot be written, and locked so
//! that two builds never write one index at once.

use super::BuildError;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

/// Fails early, before hours of decoding, when the index cannot be written.
pub(crate) fn check_writable(output: &Path) -> Result<(), BuildError> {
    if output.is_dir() {
        return Err(BuildError::OutputIsFolder {
            path: output.to_path_buf(),
        });
    }
    let probe = shared::index::temp_path(output);
    let result = File::create(&probe).map(|_| ());
    let _ = std::fs::remove_file(&probe);
    result.map_err(|source| BuildError::Output {
        path: output.to_path_buf(),
        source,
    })
}

/// `.NAME.lock` beside the index; the lock is held while the file is open.
pub fn lock_path(output: &Path) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{}.lock", name.unwrap_or_default()))
}

/// Takes the output's lock, or says which build holds it. The lock file is
/// left in place: removing it would let a third build lock another file.
pub(crate) fn lock(output: &Path) -> Result<File, BuildError> {
    let path = lock_path(output);
    let io = |source| BuildError::Output {
        path: path.clone(),
        source,
    };
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(BuildError::Locked {
            output: output.to_path_buf(),
            lock: path,
        }),
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}
