//! `indexer build --part K/N`: a part holds its share of the library and
//! says which, is rebuilt incrementally like an index, keeps the build's
//! guards, and `--part auto` reads a job scheduler's environment.

use crate::fixtures::*;
use indexer::part::{library_fingerprint, share_of};
use shared::Index;
use std::collections::BTreeSet;
use std::process::{Command, Output};

fn summary(out: &Output) -> String {
    stderr(out)
        .lines()
        .filter(|l| l.contains("videos indexed"))
        .collect()
}

#[test]
fn each_part_holds_its_share_and_names_it() {
    let (dir, lib) = library_copy();
    let mut videos = BTreeSet::new();
    let mut failed = BTreeSet::new();
    for k in 1..=3u32 {
        let path = dir.path().join(format!("part-{k}.bin"));
        let out = build_part(&lib, &format!("{k}/3"), &path);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            stderr(&out)
        );
        assert!(
            summary(&out).contains(&format!("(part {k}/3, written)")),
            "{}",
            summary(&out)
        );
        assert!(
            summary(&out).contains("in other shares"),
            "{}",
            summary(&out)
        );
        let part = Index::open(&path).unwrap();
        let header = part.header().part.expect("a part names its share");
        assert_eq!((header.share, header.of), (k, 3));
        assert_eq!(header.library, library_fingerprint(&lib).unwrap());
        for v in part.videos() {
            assert_eq!(share_of(&v.path, 3), k, "{} in part {k}", v.path);
            assert!(videos.insert(v.path.to_string()), "{} twice", v.path);
        }
        for f in part.failed() {
            assert_eq!(share_of(&f.path, 3), k, "{} in part {k}", f.path);
            failed.insert(f.path.to_string());
        }
        let verified = indexer(&["verify", path.to_str().unwrap()]);
        assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
        assert!(
            stdout(&verified).contains(&format!(", part {k}/3)")),
            "{}",
            stdout(&verified)
        );
        let stats = indexer(&["stats", path.to_str().unwrap(), "--json"]);
        let stats: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
        assert_eq!(
            (
                stats["part"]["share"].as_u64(),
                stats["part"]["of"].as_u64()
            ),
            (Some(k as u64), Some(3))
        );
    }
    assert_eq!(
        videos.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        GOOD_VIDEOS
    );
    assert_eq!(failed.len(), 4, "{failed:?}");
}

#[test]
fn a_part_rebuilt_decodes_only_new_or_changed_files_of_its_share() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let part = dir.path().join("part-1.bin");
    let out = build_part(&lib, "1/2", &part);
    assert!(
        summary(&out).contains("1 videos indexed, 0 reused"),
        "{}",
        summary(&out)
    );
    let out = build_part(&lib, "1/2", &part);
    let s = summary(&out);
    assert!(s.contains("0 videos indexed, 1 reused, 0 removed"), "{s}");
    assert!(s.contains("unchanged, not rewritten"), "{s}");

    let ours = in_share("Umi", 1, 2);
    let theirs = in_share("Umi", 2, 2);
    clip(&lib.join(&ours), "mandelbrot5", "160x90", "12", "1", H264);
    clip(&lib.join(&theirs), "testsrc2", "160x90", "12", "1", H264);
    let out = build_part(&lib, "1/2", &part);
    let s = summary(&out);
    assert!(s.contains("1 videos indexed, 1 reused, 0 removed"), "{s}");
    let index = Index::open(&part).unwrap();
    let paths: Vec<&str> = index.videos().iter().map(|v| v.path.as_str()).collect();
    assert!(
        paths.contains(&ours.as_str()) && !paths.contains(&theirs.as_str()),
        "{paths:?}"
    );
    drop(index);

    clip(&lib.join(&ours), "mandelbrot5", "160x90", "12", "2", H264);
    let out = build_part(&lib, "1/2", &part);
    assert!(
        summary(&out).contains("1 videos indexed, 1 reused"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_part_keeps_the_builds_guards() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let index = dir.path().join("index.bin");
    build(&lib, &index);
    let before = std::fs::read(&index).unwrap();
    let out = build_part(&lib, "1/2", &index);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a whole index, not a part"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&index).unwrap(), before);

    let out = indexer(&["build", lib.to_str().unwrap(), "--part", "1/2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--part 1/2 needs -o PART"),
        "{}",
        stderr(&out)
    );

    let part = dir.path().join("part.bin");
    build_part(&lib, "2/2", &part);
    let before = std::fs::read(&part).unwrap();
    let held = Index::open(&part).unwrap().videos().len();
    let empty = dir.path().join("unmounted");
    std::fs::create_dir(&empty).unwrap();
    let out = build_part(&empty, "2/2", &part);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{held} of the {held} indexed videos are not in")),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&part).unwrap(), before);

    let lock = std::fs::File::create(indexer::build::lock_path(&part)).unwrap();
    lock.lock().unwrap();
    let out = build_part(&lib, "2/2", &part);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is writing this index"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn part_must_be_k_of_n_with_k_from_1_to_n() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("p.bin");
    for (part, why) in [
        ("0/3", "K counts the shares from 1 to N"),
        ("4/3", "K counts the shares from 1 to N"),
        ("1/0", "there must be at least one share"),
        ("2", "is not K/N"),
        ("a/b", "is not K/N"),
    ] {
        let out = build_part(dir.path(), part, &out_path);
        assert_eq!(out.status.code(), Some(2), "{part}");
        assert!(stderr(&out).contains(why), "{part}: {}", stderr(&out));
    }
    assert!(!out_path.exists());
}

/// `indexer build --part auto` with the scheduler variables `vars` and
/// none of the others.
fn build_auto(lib: &std::path::Path, out: &std::path::Path, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(INDEXER);
    cmd.args([
        "build",
        lib.to_str().unwrap(),
        "--part",
        "auto",
        "-o",
        out.to_str().unwrap(),
    ]);
    for name in ["JOB_COMPLETION_INDEX", "JOB_COMPLETIONS"] {
        cmd.env_remove(name);
    }
    for suffix in ["ID", "MIN", "MAX", "STEP", "COUNT"] {
        cmd.env_remove(format!("SLURM_ARRAY_TASK_{suffix}"));
    }
    cmd.envs(vars.iter().copied()).output().unwrap()
}

fn share_in(path: &std::path::Path) -> (u32, u32) {
    let part = Index::open(path).unwrap().header().part.unwrap();
    (part.share, part.of)
}

#[test]
fn part_auto_reads_a_kubernetes_indexed_job_or_a_slurm_array() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let out = dir.path().join("k8s.bin");
    let k8s = [("JOB_COMPLETION_INDEX", "1"), ("JOB_COMPLETIONS", "3")];
    let run = build_auto(&lib, &out, &k8s);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(share_in(&out), (2, 3));

    let out = dir.path().join("slurm.bin");
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "12"),
        ("SLURM_ARRAY_TASK_MIN", "10"),
        ("SLURM_ARRAY_TASK_MAX", "12"),
        ("SLURM_ARRAY_TASK_STEP", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    let run = build_auto(&lib, &out, &slurm);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(share_in(&out), (3, 3));

    let out = dir.path().join("none.bin");
    let run = build_auto(&lib, &out, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("neither JOB_COMPLETION_INDEX"),
        "{}",
        stderr(&run)
    );
    let run = build_auto(&lib, &out, &k8s[..1]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("JOB_COMPLETIONS is not"),
        "{}",
        stderr(&run)
    );
    assert!(!out.exists());
}

/// Re-split into more shares under the same file names: a share keeps the
/// videos that stay in it and decodes nothing.
#[test]
fn one_more_share_decodes_nothing_in_the_old_shares() {
    let (dir, lib) = library_copy();
    for k in 1..=2u32 {
        let path = dir.path().join(format!("part-{k}.bin"));
        build_part(&lib, &format!("{k}/2"), &path);
        let before = Index::open(&path).unwrap().videos().len();
        let out = build_part(&lib, &format!("{k}/3"), &path);
        let s = summary(&out);
        let part = Index::open(&path).unwrap();
        let kept = part.videos().len();
        let moved = before - kept;
        assert!(
            s.contains(&format!("0 videos indexed, {kept} reused, {moved} removed")),
            "{s}"
        );
        assert!(s.contains(&format!("(part {k}/3, written)")), "{s}");
        assert!(part.videos().iter().all(|v| share_of(&v.path, 3) == k));
    }
}
