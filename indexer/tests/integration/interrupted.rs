//! A build killed at any moment leaves the previous index intact.

use crate::fixtures::*;
use shared::Index;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn killing_a_build_keeps_the_old_index() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let before = std::fs::read(&index_path).unwrap();
    // Force a full rebuild (touching every file) and kill it at several
    // moments: while decoding and around the final write.
    for delay_ms in [50u64, 300, 700, 1200, 2000] {
        for entry in walk(&lib) {
            let f = std::fs::File::options().write(true).open(&entry).unwrap();
            f.set_modified(std::time::SystemTime::now()).unwrap();
        }
        let mut child = Command::new(INDEXER)
            .args([
                "build",
                lib.to_str().unwrap(),
                "-o",
                index_path.to_str().unwrap(),
                "--quiet",
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let index = Index::open(&index_path).expect("old or new index, always readable");
        index.verify().unwrap();
        if delay_ms == 50 {
            assert_eq!(
                std::fs::read(&index_path).unwrap(),
                before,
                "not finished, old file kept"
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
