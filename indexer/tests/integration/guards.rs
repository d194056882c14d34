//! What stops a build before it costs the index: a library that lost most
//! of its videos (empty, unmounted, wrong folder), another build writing
//! the same index, an output that is a folder. And `--quiet` still tells.

use crate::fixtures::*;
use shared::Index;

#[test]
fn an_empty_or_mostly_gone_library_leaves_the_index_as_it_was() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let before = std::fs::read(&index_path).unwrap();

    let empty = dir.path().join("mnt");
    std::fs::create_dir(&empty).unwrap();
    let out = build(&empty, &index_path);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("5 of the 5 indexed videos are not in"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--allow-removal"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&index_path).unwrap(), before);

    std::fs::remove_dir_all(lib.join("Alpha")).unwrap();
    std::fs::remove_file(lib.join("Beta/Beta EP04.avi")).unwrap();
    let out = build(&lib, &index_path);
    assert_eq!(out.status.code(), Some(2), "3 of 5 gone: {}", stderr(&out));
    assert_eq!(std::fs::read(&index_path).unwrap(), before);

    let out = indexer(&[
        "build",
        lib.to_str().unwrap(),
        "-o",
        index_path.to_str().unwrap(),
        "--allow-removal",
    ]);
    assert!(stderr(&out).contains("3 removed"), "{}", stderr(&out));
    assert_eq!(Index::open(&index_path).unwrap().videos().len(), 2);
}

#[test]
fn removing_less_than_half_needs_no_flag() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    std::fs::remove_file(lib.join("Beta/Beta EP04.avi")).unwrap();
    std::fs::remove_file(lib.join("Gamma/第06話.mkv")).unwrap();
    let out = build(&lib, &index_path);
    assert!(stderr(&out).contains("2 removed"), "{}", stderr(&out));
}

#[test]
fn a_second_build_of_one_index_stops_while_the_first_holds_the_lock() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    let lock = std::fs::File::create(indexer::build::lock_path(&index_path)).unwrap();
    lock.lock().unwrap();
    let out = build(&lib, &index_path);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another indexer build or merge is writing this index"),
        "{}",
        stderr(&out)
    );
    assert!(!index_path.exists());
    lock.unlock().unwrap();
    assert!(
        build(&lib, &index_path)
            .status
            .code()
            .is_some_and(|c| c <= 1)
    );
    assert!(index_path.exists());
}

#[test]
fn an_output_folder_is_refused_before_decoding() {
    let (dir, lib) = library_copy();
    let out = build(&lib, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a folder; name the index file"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("frames kept"), "{}", stderr(&out));
}

#[test]
fn the_default_output_folder_is_created() {
    let (dir, lib) = library_copy();
    let out = std::process::Command::new(INDEXER)
        .args(["build", lib.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&out)
    );
    assert!(dir.path().join("data/index.bin").exists());
}

#[test]
fn quiet_prints_problems_and_nothing_else() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    let out = indexer(&[
        "build",
        lib.to_str().unwrap(),
        "-o",
        index_path.to_str().unwrap(),
        "--quiet",
    ]);
    let err = stderr(&out);
    assert!(
        err.contains("Gamma/anime.json: malformed anime.json"),
        "{err}"
    );
    assert!(err.contains("Gamma/notes.mkv: skipped:"), "{err}");
    assert!(!err.contains("frames kept"), "{err}");
    assert!(!err.contains("Alpha"), "no progress: {err}");
}
