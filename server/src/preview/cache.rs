//! The folder of cut previews, capped in size: the least recently used
//! files go first when a new one would pass the cap. Uses are kept in
//! memory (a file's mtime stays its cut time, which its `ETag` and
//! `Last-Modified` are made of); at start-up what is in the folder is found
//! again, oldest cut first out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

pub struct Cache {
    dir: PathBuf,
    cap_bytes: u64,
    files: Mutex<Files>,
}

#[derive(Default)]
struct Files {
    /// File name → (bytes, last use).
    entries: HashMap<String, (u64, SystemTime)>,
    total: u64,
}

impl Cache {
    /// Opens (creating) `dir`, capped at `cap_bytes`.
    pub fn open(dir: &Path, cap_bytes: u64) -> std::io::Result<Cache> {
        std::fs::create_dir_all(dir)?;
        let mut files = Files::default();
        for entry in std::fs::read_dir(dir)?.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let Ok(meta) = entry.metadata() else { continue };
            if name.starts_with("partial-") {
                let _ = std::fs::remove_file(entry.path());
            } else if meta.is_file() {
                let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.total += meta.len();
                files.entries.insert(name, (meta.len(), used));
            }
        }
        let cache = Cache {
            dir: dir.to_path_buf(),
            cap_bytes,
            files: Mutex::new(files),
        };
        cache.evict();
        Ok(cache)
    }

    /// Where `name` is kept.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where a cut of `name` is written before `insert` takes it.
    pub fn partial_path(&self, name: &str) -> PathBuf {
        self.dir
            .join(format!("partial-{}-{name}", std::process::id()))
    }

    /// The cached file `name`, marked as used now.
    pub fn get(&self, name: &str) -> Option<PathBuf> {
        let mut files = self.lock();
        let entry = files.entries.get_mut(name)?;
        entry.1 = SystemTime::now();
        let path = self.path(name);
        drop(files);
        path.exists().then_some(path)
    }

    /// Moves a finished cut from `partial` into the cache as `name`, then
    /// removes the least recently used files past the cap.
    pub fn insert(&self, name: &str, partial: &Path) -> std::io::Result<PathBuf> {
        let path = self.path(name);
        std::fs::rename(partial, &path)?;
        let bytes = std::fs::metadata(&path)?.len();
        {
            let mut files = self.lock();
            if let Some((old, _)) = files
                .entries
                .insert(name.to_string(), (bytes, SystemTime::now()))
            {
                files.total -= old;
            }
            files.total += bytes;
        }
        self.evict();
        Ok(path)
    }

    /// Bytes in the cache now.
    pub fn total_bytes(&self) -> u64 {
        self.lock().total
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn evict(&self) {
        let mut files = self.lock();
        while files.total > self.cap_bytes {
            let Some(oldest) = files
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(name, _)| name.clone())
            else {
                break;
            };
            if let Some((bytes, _)) = files.entries.remove(&oldest) {
                files.total -= bytes;
                // A file being sent stays readable until it is closed.
                let _ = std::fs::remove_file(self.dir.join(&oldest));
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_under_its_cap_dropping_the_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 250).unwrap();
        for name in ["a", "b", "c"] {
            let partial = cache.partial_path(name);
            std::fs::write(&partial, [0u8; 100]).unwrap();
            cache.insert(name, &partial).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5));
            if name == "b" {
                assert!(cache.get("a").is_some(), "a is used again");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        assert!(cache.get("b").is_none(), "b was the least recently used");
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        assert_eq!(cache.total_bytes(), 200);
        drop(cache);
        let again = Cache::open(dir.path(), 150).unwrap();
        assert_eq!(again.len(), 1, "reopened under a smaller cap");
    }
}
