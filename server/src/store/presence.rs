//! Is the database still where the server opened it? A database deleted
//! or replaced under a running server goes on working on the vanished
//! file, and everything written from then on is lost at the next start;
//! and a start that silently created an empty database where one used to
//! be would lose every account. So a marker file beside the database
//! records that one was made there, and the running server checks the
//! file it opened (health, and a log line when it changes).

use super::StoreError;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Below this much free space where the database lives, writes are about
/// to fail with "database or disk is full".
pub const LOW_SPACE_BYTES: u64 = 64 * 1024 * 1024;

/// The marker of the database at `db`: `server.db` → `server.db.created`.
pub fn marker_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".created");
    db.with_file_name(name)
}

/// Refuses to create a database where the marker says one was before.
pub fn refuse_if_lost(db: &Path) -> Result<(), StoreError> {
    let marker = marker_path(db);
    if !db.exists() && marker.exists() {
        return Err(StoreError::Lost {
            path: db.to_path_buf(),
            marker,
        });
    }
    Ok(())
}

/// Writes the marker (once) after the database is open and migrated.
pub fn mark(db: &Path) -> Result<(), StoreError> {
    use crate::clock::Clock;
    let marker = marker_path(db);
    if marker.exists() {
        return Ok(());
    }
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let text = format!(
        "A server database was created or found at {name} on {}.\n\
         While this file exists the server will not start with {name} missing:\n\
         restore it from a backup (docs/operations.md). Delete this file only\n\
         to start afresh, with no accounts, on purpose.\n",
        crate::clock::iso8601(crate::clock::SystemClock.now_ms())
    );
    std::fs::write(&marker, text).map_err(|source| StoreError::CreateFile {
        path: marker,
        source,
    })
}

/// The file the server opened: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(path: &Path) -> std::io::Result<FileId> {
        let m = std::fs::metadata(path)?;
        Ok(FileId {
            dev: m.dev(),
            ino: m.ino(),
        })
    }
}

/// What is wrong with the database file now, in words; `None` when it is
/// the file the server opened, writable, with room to grow.
pub fn problem(path: &Path, opened: FileId) -> Option<String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match FileId::of(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!(
                "the database {name} was deleted while the server runs; what is written now will be lost"
            ));
        }
        Err(e) => return Some(format!("the database {name} cannot be read: {e}")),
        Ok(now) if now != opened => {
            return Some(format!(
                "the database {name} was replaced while the server runs; restart the server to use the new file"
            ));
        }
        Ok(_) => {}
    }
    if let Err(e) = std::fs::OpenOptions::new().append(true).open(path) {
        return Some(format!("the database {name} is not writable: {e}"));
    }
    match free_bytes(path) {
        Some(free) if free < LOW_SPACE_BYTES => Some(format!(
            "the disk holding the database {name} is full ({} MB free)",
            free / (1024 * 1024)
        )),
        _ => None,
    }
}

/// Bytes an unprivileged writer may still use on `path`'s file system.
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c_path` is a valid C string and `stat` a writable struct.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) };
    (rc == 0).then(|| stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// Checks the database file every `every` on the async runtime and logs
/// when a problem starts (error) and when it ends (info), so an operator
/// hears of a deleted database at once, not at the next restart.
pub fn watch(store: super::Store, every: std::time::Duration) {
    actix_web::rt::spawn(async move {
        let mut last: Option<String> = None;
        let mut ticks = actix_web::rt::time::interval(every);
        loop {
            ticks.tick().await;
            let check = store.clone();
            let now = actix_web::web::block(move || check.problem())
                .await
                .unwrap_or_else(|e| Some(e.to_string()));
            match (&last, &now) {
                (_, Some(problem)) if last.as_ref() != Some(problem) => {
                    tracing::error!("{problem}");
                }
                (Some(_), None) => tracing::info!("the database is fine again"),
                _ => {}
            }
            last = now;
        }
    });
}
