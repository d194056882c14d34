//! Shares: fixed forever, balanced, stable as the library and the number
//! of shares grow; `--part` and `--part auto` parsing.

use super::*;
use std::collections::HashMap;

/// A library of `anime` shows of `episodes` episodes, named as releases are.
fn paths(anime: usize, episodes: usize) -> Vec<String> {
    (0..anime)
        .flat_map(|a| {
            (1..=episodes).map(move |e| format!("Show {a:03}/Show {a:03} - {e:02} [1080p].mkv"))
        })
        .collect()
}

#[test]
fn the_hash_is_fixed_forever() {
    // FNV-1a's published test vectors.
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    // Pinned (and checked by hand in Python): a change here moves the
    // videos of every index built in parts.
    let pinned: Vec<u32> = ["Alpha/Alpha - 01.mkv", "Beta/第06話.mkv", "Gamma/ep 12.mp4"]
        .iter()
        .flat_map(|p| [share_of(p, 3), share_of(p, 8), share_of(p, 1000)])
        .collect();
    assert_eq!(pinned, PINNED);
    assert_eq!(text_fingerprint("/srv/anime"), PINNED_FINGERPRINT);
}

const PINNED: [u32; 9] = [3, 4, 17, 1, 1, 163, 1, 4, 491];
const PINNED_FINGERPRINT: u32 = 0xf8d1_ee3d;

#[test]
fn shares_are_balanced() {
    let all = paths(200, 24);
    for n in [2u32, 3, 5, 8, 16, 64] {
        let mut counts = vec![0usize; n as usize];
        for p in &all {
            let k = share_of(p, n);
            assert!((1..=n).contains(&k));
            counts[k as usize - 1] += 1;
        }
        let mean = all.len() as f64 / n as f64;
        // Five standard deviations of a fair draw: a fair hash stays well
        // inside, one that follows episode numbers or folders does not.
        let slack = 5.0 * (mean * (1.0 - 1.0 / n as f64)).sqrt();
        for (k, &c) in counts.iter().enumerate() {
            assert!(
                (c as f64 - mean).abs() <= slack,
                "share {}/{n} holds {c} of {} (mean {mean:.0}): {counts:?}",
                k + 1,
                all.len()
            );
        }
    }
}

#[test]
fn a_videos_share_depends_on_its_path_alone() {
    let before = paths(50, 12);
    let shares: HashMap<&str, u32> = before
        .iter()
        .map(|p| (p.as_str(), share_of(p, 5)))
        .collect();
    // The library grows (new shows, new episodes) and is listed in
    // another order: every video it had keeps its share.
    let mut after = paths(80, 26);
    after.reverse();
    for p in &after {
        if let Some(&k) = shares.get(p.as_str()) {
            assert_eq!(share_of(p, 5), k, "{p}");
        }
    }
    assert!(Share::new(2, 5).unwrap().holds(&before[0]) == (shares[before[0].as_str()] == 2));
}

#[test]
fn one_more_share_moves_only_what_the_new_share_takes() {
    let all = paths(200, 12);
    for n in [1u32, 3, 7] {
        let moved: Vec<&String> = all
            .iter()
            .filter(|p| share_of(p, n) != share_of(p, n + 1))
            .collect();
        assert!(moved.iter().all(|p| share_of(p, n + 1) == n + 1));
        let expected = all.len() as f64 / (n + 1) as f64;
        assert!(
            (moved.len() as f64 - expected).abs() < 0.2 * expected,
            "{n} -> {}: {} moved, about {expected:.0} expected",
            n + 1,
            moved.len()
        );
    }
}

#[test]
fn part_takes_k_of_n_from_1_or_auto() {
    assert_eq!("2/3".parse(), Ok(PartArg::Share(Share { k: 2, n: 3 })));
    assert_eq!("1/1".parse(), Ok(PartArg::Share(Share { k: 1, n: 1 })));
    assert_eq!("auto".parse(), Ok(PartArg::Auto));
    let refused = |s: &str| s.parse::<PartArg>().unwrap_err();
    assert_eq!(refused("0/3"), ShareError::OutOfRange { k: 0, n: 3 });
    assert_eq!(refused("4/3"), ShareError::OutOfRange { k: 4, n: 3 });
    assert_eq!(refused("1/0"), ShareError::NoShares { k: 1, n: 0 });
    for s in ["3", "1/", "/3", "a/b", "-1/3", "1/3/4", ""] {
        assert_eq!(refused(s), ShareError::Syntax(s.into()), "{s}");
    }
    assert_eq!(
        refused("4/3").to_string(),
        "4/3: K counts the shares from 1 to N"
    );
}

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn auto_reads_a_kubernetes_indexed_job() {
    let share = |index: &str| {
        from_env(env(&[
            ("JOB_COMPLETION_INDEX", index),
            ("JOB_COMPLETIONS", "3"),
        ]))
    };
    assert_eq!(share("0"), Ok(Share { k: 1, n: 3 }));
    assert_eq!(share("2"), Ok(Share { k: 3, n: 3 }));
    assert_eq!(
        share("3"),
        Err(AutoError::Share(ShareError::OutOfRange { k: 4, n: 3 }))
    );
    assert!(matches!(share("x"), Err(AutoError::NotANumber { .. })));
    let err = from_env(env(&[("JOB_COMPLETION_INDEX", "0")])).unwrap_err();
    assert_eq!(err, AutoError::NoCompletions);
    assert!(err.to_string().contains("JOB_COMPLETIONS"), "{err}");
}

#[test]
fn auto_reads_a_slurm_array_whose_ids_start_anywhere() {
    let slurm = |id: &str, min: &str, max: &str, step: &str, count: &str| {
        from_env(env(&[
            ("SLURM_ARRAY_TASK_ID", id),
            ("SLURM_ARRAY_TASK_MIN", min),
            ("SLURM_ARRAY_TASK_MAX", max),
            ("SLURM_ARRAY_TASK_STEP", step),
            ("SLURM_ARRAY_TASK_COUNT", count),
        ]))
    };
    // --array=0-7
    assert_eq!(slurm("0", "0", "7", "1", "8"), Ok(Share { k: 1, n: 8 }));
    // --array=1-8
    assert_eq!(slurm("8", "1", "8", "1", "8"), Ok(Share { k: 8, n: 8 }));
    // --array=5-7
    assert_eq!(slurm("6", "5", "7", "1", "3"), Ok(Share { k: 2, n: 3 }));
    // --array=0-30:10
    assert_eq!(slurm("20", "0", "30", "10", "4"), Ok(Share { k: 3, n: 4 }));
    // --array=1,4,5: three tasks, not evenly spaced.
    let err = slurm("4", "1", "5", "1", "3").unwrap_err();
    assert!(matches!(err, AutoError::Uneven { .. }), "{err}");
    assert!(err.to_string().contains("--array=0-2"), "{err}");
    assert!(matches!(
        slurm("9", "0", "7", "1", "8"),
        Err(AutoError::NotATask { .. })
    ));
    // Without _MAX and _STEP (older Slurm): ids from _MIN by 1.
    let bare = from_env(env(&[
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ]));
    assert_eq!(bare, Ok(Share { k: 3, n: 4 }));
    let err = from_env(env(&[("SLURM_ARRAY_TASK_ID", "3")])).unwrap_err();
    assert_eq!(err, AutoError::SlurmMissing("SLURM_ARRAY_TASK_COUNT"));
}

#[test]
fn auto_without_a_scheduler_or_with_two_says_so() {
    let err = from_env(env(&[])).unwrap_err();
    assert_eq!(err, AutoError::NoScheduler);
    let msg = err.to_string();
    assert!(msg.contains("JOB_COMPLETION_INDEX") && msg.contains("SLURM_ARRAY_TASK_ID"));
    assert!(msg.contains("--part K/N"), "{msg}");
    let both = from_env(env(&[
        ("JOB_COMPLETION_INDEX", "0"),
        ("JOB_COMPLETIONS", "2"),
        ("SLURM_ARRAY_TASK_ID", "0"),
    ]));
    assert_eq!(both, Err(AutoError::TwoSchedulers));
}
