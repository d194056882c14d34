//! Read-ahead of a loaded index: the whole file reaches the page cache in
//! the background after a load, so that the first searches after a reboot
//! do not wait on the disk for each bucket; `--no-index-prefetch` leaves
//! the pages to be read as searches touch them.

use server::index_holder::IndexHolder;
use shared::FrameCode;
use shared::index::Video;
use std::path::Path;
use std::time::{Duration, Instant};

/// An index of 1,000,000 frames of random codes: some megabytes, where the
/// fixture index fits in one page.
fn write_large_index(path: &Path) {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let frames: Vec<(FrameCode, u32)> = (0..1_000_000u32)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let code = FrameCode {
                lo: x,
                hi: (x >> 19) as u32,
            };
            (code, i * 40)
        })
        .collect();
    let video = Video {
        duration_ms: 40_000_000,
        ..testkit::synthetic::video("Alpha/Alpha - 01.mkv", 0, 1)
    };
    let anime = [testkit::synthetic::anime(1, "Alpha")];
    testkit::synthetic::write_index(path, &anime, &[(video, frames)]).expect("index written");
}

/// The index file's pages in the page cache, and all of its pages.
fn residency(path: &Path) -> (usize, usize) {
    let file = std::fs::File::open(path).expect("index opens");
    // SAFETY: the test's own file, not written while mapped.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("index maps");
    let page = 4096;
    let pages = map.len().div_ceil(page);
    let mut resident = vec![0u8; pages];
    // SAFETY: `map` is a live mapping of `map.len()` bytes and `resident`
    // has one byte per page of it.
    let rc = unsafe { libc::mincore(map.as_ptr() as *mut _, map.len(), resident.as_mut_ptr()) };
    assert_eq!(rc, 0, "mincore: {}", std::io::Error::last_os_error());
    (resident.iter().filter(|&&r| r & 1 == 1).count(), pages)
}

/// Drops the file's pages from the page cache.
fn evict(path: &Path) {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).expect("index opens");
    // SAFETY: a plain system call on an open descriptor.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(rc, 0, "posix_fadvise");
    let (resident, pages) = residency(path);
    assert!(
        resident < pages / 2,
        "the file stays cached after POSIX_FADV_DONTNEED ({resident} of {pages} pages): \
         the test folder must be on a disk, not in memory"
    );
}

/// Waits up to `limit` for every page of `path` to be cached.
fn cached_within(path: &Path, limit: Duration) -> bool {
    let started = Instant::now();
    loop {
        let (resident, pages) = residency(path);
        if resident == pages {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_loaded_index_is_read_into_the_page_cache_unless_turned_off() {
    // Under target/, on the disk: a tmpfs folder cannot be evicted.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let path = dir.path().join("index.bin");
    write_large_index(&path);

    // Without read-ahead nothing reads the file once it is open.
    let holder = IndexHolder::open(&path, false);
    assert!(holder.current().is_some(), "{:?}", holder.problem());
    evict(&path);
    assert!(
        !cached_within(&path, Duration::from_millis(500)),
        "nothing reads the index in the background without read-ahead: {:?} of its pages",
        residency(&path)
    );
    drop(holder);

    // With it, the whole file is read after the load (opening alone reads
    // the header, metadata and tables, and the kernel's read-ahead around
    // them: 84 % of this file where read-ahead is 8 MB).
    evict(&path);
    let holder = IndexHolder::open(&path, true);
    assert!(holder.current().is_some(), "{:?}", holder.problem());
    assert!(
        cached_within(&path, Duration::from_secs(10)),
        "the whole file is cached after a load: {:?} of its pages",
        residency(&path)
    );
}
