//! The index the server searches: mapped once, swapped atomically when a
//! new file is renamed into place. Searches hold an `Arc<Index>`, so those
//! in flight finish on the old map, which is unmapped when the last one
//! drops it. A new file that fails validation is refused and the old index
//! kept.

use arc_swap::ArcSwapOption;
use prometheus_client::metrics::counter::Counter;
use shared::Index;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What identifies one version of the index file: a rename gives a new
/// inode, an in-place rewrite a new mtime or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
    mtime_ns: i128,
    size: u64,
}

impl FileId {
    fn of(path: &Path) -> std::io::Result<FileId> {
        let m = std::fs::metadata(path)?;
        Ok(FileId {
            dev: m.dev(),
            ino: m.ino(),
            mtime_ns: m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
            size: m.size(),
        })
    }
}

/// The current index (if any) and why the last load failed (if it did).
pub struct IndexHolder {
    path: PathBuf,
    /// Read each loaded file ahead into the page cache.
    prefetch: bool,
    current: ArcSwapOption<Index>,
    seen: Mutex<Seen>,
    /// Index files loaded (the first included), for `/metrics`.
    pub loads: Counter,
    /// Index files refused (invalid, or written in place), for `/metrics`.
    pub refusals: Counter,
}

#[derive(Default)]
struct Seen {
    /// The file version last tried, loaded or not.
    file: Option<FileId>,
    /// The file version the current mapping was made from.
    mapped: Option<FileId>,
    problem: Option<String>,
}

/// What `reload` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    Unchanged,
    Loaded,
    /// The file is missing or invalid; the previous index (if any) stays.
    Failed(String),
}

impl IndexHolder {
    /// Loads `path` if it is there; a missing or invalid file leaves the
    /// holder empty, to be filled when a good file appears. With
    /// `prefetch`, every file loaded is read ahead (see `prefetch`).
    pub fn open(path: &Path, prefetch: bool) -> IndexHolder {
        let holder = IndexHolder {
            path: path.to_path_buf(),
            prefetch,
            current: ArcSwapOption::empty(),
            seen: Mutex::new(Seen::default()),
            loads: Counter::default(),
            refusals: Counter::default(),
        };
        holder.reload(true);
        holder
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The index to search now, if one is loaded.
    pub fn current(&self) -> Option<Arc<Index>> {
        self.current.load_full()
    }

    /// Why the file on disk is not the one being served, if it is not.
    pub fn problem(&self) -> Option<String> {
        self.lock().problem.clone()
    }

    /// `problem` for the public: the index file named without the folders
    /// it sits in, which are the operator's business.
    pub fn public_problem(&self) -> Option<String> {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let full = self.path.display().to_string();
        let problem = self.problem()?;
        Some(problem.replace(&full, &name.unwrap_or_default()))
    }

    /// Loads the file if it changed since last tried (or always, `force`).
    pub fn reload(&self, force: bool) -> Reload {
        let mut seen = self.lock();
        let file = match FileId::of(&self.path) {
            Ok(f) => f,
            Err(e) => return self.missing(&mut seen, e),
        };
        if !force && seen.file == Some(file) {
            return Reload::Unchanged;
        }
        seen.file = Some(file);
        self.drop_if_written_in_place(&mut seen, file);
        match Index::open(&self.path) {
            Ok(index) if index.header().part.is_some() => {
                let part = index.header().part.expect("checked");
                let why = format!(
                    "{}: this is part {} of {} of a library, not a whole index: merge the parts with `indexer merge PART... -o {0}`",
                    self.path.display(),
                    part.share,
                    part.of
                );
                self.refuse(&mut seen, why)
            }
            Ok(index) => {
                let h = index.header();
                tracing::info!(
                    path = %self.path.display(),
                    frames = h.frame_count,
                    anime = h.anime_count,
                    built_at = crate::clock::iso8601(h.built_at * 1000),
                    "index loaded"
                );
                let index = Arc::new(index);
                if self.prefetch {
                    prefetch(&index);
                }
                self.current.store(Some(index));
                self.loads.inc();
                seen.mapped = Some(file);
                seen.problem = None;
                Reload::Loaded
            }
            Err(e) => self.refuse(&mut seen, e.to_string()),
        }
    }

    /// The mapped file itself changed (same inode, other size or time): it
    /// was written in place, not replaced by rename, and reading the old
    /// mapping past a truncation would kill the process with SIGBUS. Stop
    /// serving it; a good file, in place or renamed, is loaded afresh.
    fn drop_if_written_in_place(&self, seen: &mut Seen, file: FileId) {
        let Some(mapped) = seen.mapped else { return };
        if (mapped.dev, mapped.ino) == (file.dev, file.ino) && mapped != file {
            tracing::error!(
                path = %self.path.display(),
                "the index file was written in place while mapped; no longer serving it (replace it by renaming a new file over it)"
            );
            self.current.store(None);
            self.refusals.inc();
            seen.mapped = None;
        }
    }

    fn missing(&self, seen: &mut Seen, e: std::io::Error) -> Reload {
        let why = format!("{}: {e}", self.path.display());
        if seen.problem.as_deref() != Some(why.as_str()) {
            tracing::warn!("index not available: {why}; waiting for it to appear");
        }
        seen.file = None;
        seen.problem = Some(why.clone());
        Reload::Failed(why)
    }

    fn refuse(&self, seen: &mut Seen, why: String) -> Reload {
        self.refusals.inc();
        if self.current.load().is_some() {
            tracing::error!("new index refused, keeping the one in use: {why}");
        } else {
            tracing::error!("index refused: {why}");
        }
        seen.problem = Some(why.clone());
        Reload::Failed(why)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a thread that polls the file every `poll` and reloads it when
    /// it changes or when `Watcher::trigger` is called (SIGHUP).
    pub fn watch(self: &Arc<Self>, poll: Duration) -> Watcher {
        let (tx, rx) = mpsc::channel::<()>();
        let holder = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("index-watcher".into())
            .spawn(move || {
                loop {
                    match rx.recv_timeout(poll) {
                        Ok(()) => holder.reload(true),
                        Err(RecvTimeoutError::Timeout) => holder.reload(false),
                        Err(RecvTimeoutError::Disconnected) => break,
                    };
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the index watcher: {e}; the index will not be reloaded");
        }
        Watcher { tx }
    }
}

/// Reads `index` once, in order, on a thread of its own, so that the
/// kernel caches it before searches ask for its pages one by one (see
/// `Index::read_ahead`). Stops early when the index is no longer used:
/// the thread holds it only while it reads a chunk.
fn prefetch(index: &Arc<Index>) {
    const CHUNK: usize = 4 << 20;
    let weak = Arc::downgrade(index);
    let read_all = move || {
        let started = std::time::Instant::now();
        let mut buf = vec![0u8; CHUNK];
        let mut offset = 0u64;
        while let Some(index) = weak.upgrade() {
            match index.read_ahead(offset, &mut buf) {
                Ok(0) => {
                    tracing::info!(
                        mb = offset / 1_000_000,
                        secs = format!("{:.1}", started.elapsed().as_secs_f64()),
                        "index read into memory"
                    );
                    return;
                }
                Ok(n) => offset += n as u64,
                Err(e) => {
                    tracing::warn!("reading the index ahead into memory stopped: {e}");
                    return;
                }
            }
        }
    };
    let spawned = std::thread::Builder::new()
        .name("index-prefetch".into())
        .spawn(read_all);
    if let Err(e) = spawned {
        tracing::warn!("cannot start reading the index ahead into memory: {e}");
    }
}

/// Keeps the watcher thread alive; dropping it stops the thread.
pub struct Watcher {
    tx: Sender<()>,
}

impl Watcher {
    /// Asks for a reload now, even if the file looks unchanged.
    pub fn trigger(&self) {
        let _ = self.tx.send(());
    }
}
