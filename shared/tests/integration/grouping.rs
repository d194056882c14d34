//! How hits become answers: a shot repeated in every episode takes one of
//! the five slots, and a near tie between two anime is never confident.

use shared::descriptor::FrameCode;
use shared::index::{Anime, Index};
use shared::search::{self, Candidate, Probe};
use testkit::rng::Rng;
use testkit::synthetic::{VideoFrames, anime, flip_lowest, random_code, video, write_index};

/// A video: anime id, episode, and its frames (code, time in ms).
type VideoOf = (u32, u32, Vec<(FrameCode, u32)>);

/// Writes an index of these videos (anime "Anime ID" in the order they
/// first appear) and opens it.
fn index_of(dir: &std::path::Path, videos: &[VideoOf]) -> Index {
    let mut ids: Vec<u32> = Vec::new();
    for (id, _, _) in videos {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let shows: Vec<Anime> = ids
        .iter()
        .map(|&id| anime(id, &format!("Anime {id}")))
        .collect();
    let videos: Vec<VideoFrames> = videos
        .iter()
        .map(|(id, episode, frames)| {
            let position = ids.iter().position(|i| i == id).unwrap() as u32;
            let path = format!("Anime {id}/{episode}.mkv");
            (video(&path, position, *episode), frames.clone())
        })
        .collect();
    let path = dir.join("index.bin");
    write_index(&path, &shows, &videos).unwrap();
    Index::open(&path).unwrap()
}

/// Two anime with one frame each, at 5 s.
fn two_anime(dir: &std::path::Path, first: FrameCode, second: FrameCode) -> Index {
    index_of(
        dir,
        &[(1, 1, vec![(first, 5_000)]), (2, 1, vec![(second, 5_000)])],
    )
}

fn answers(index: &Index, query: FrameCode) -> Vec<Candidate> {
    let hits = search::exact(index, &[Probe::of_code(query)], None);
    search::group(index, &hits, 5)
}

fn anime_of(index: &Index, c: &Candidate) -> u32 {
    let a = index.videos()[c.video].anime.to_native() as usize;
    index.anime()[a].id.to_native()
}

#[test]
fn a_shot_repeated_in_every_episode_takes_one_slot() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(1);
    let opening = random_code(&mut rng);
    // Three episodes show the opening shot at 10 s, each followed by its own
    // scene; four other anime have a frame 6 to 12 bits away.
    let mut videos: Vec<VideoOf> = (1..=3)
        .map(|ep| {
            (
                1,
                ep,
                vec![(opening, 10_000), (random_code(&mut rng), 12_000)],
            )
        })
        .collect();
    for i in 0..4 {
        videos.push((2 + i, 1, vec![(flip_lowest(opening, 6 + 2 * i), 5_000)]));
    }
    let index = index_of(dir.path(), &videos);

    let found = answers(&index, opening);

    assert_eq!(found.len(), 5, "{found:?}");
    assert_eq!(found[0].distance, 0);
    assert_eq!(anime_of(&index, &found[0]), 1);
    let copies = found.iter().filter(|c| c.code == opening).count();
    assert_eq!(copies, 1, "one slot for the repeated shot: {found:?}");
    assert!(found[1..].iter().all(|c| anime_of(&index, c) != 1));
}

#[test]
fn a_near_tie_with_another_anime_is_not_confident() {
    let dir = tempfile::tempdir().unwrap();
    let card = random_code(&mut Rng::new(2));
    // Two anime with near-identical frames (a plain card, a logo): the query
    // is 2 bits from one and 4 from the other.
    let index = two_anime(dir.path(), card, flip_lowest(card, 6));

    let found = answers(&index, flip_lowest(card, 2));

    assert_eq!(found[0].distance, 2);
    assert_eq!(anime_of(&index, &found[0]), 1);
    assert!(found[0].similarity < 0.9, "{found:?}");
    assert!(found[1].similarity < found[0].similarity, "{found:?}");
}

#[test]
fn a_clear_answer_stays_confident() {
    let dir = tempfile::tempdir().unwrap();
    let scene = random_code(&mut Rng::new(3));
    // The other anime's nearest frame is 10 bits further than the answer.
    let index = two_anime(dir.path(), scene, flip_lowest(scene, 14));

    let found = answers(&index, flip_lowest(scene, 4));

    assert_eq!(found[0].distance, 4);
    assert!(found[0].similarity >= 0.9, "{found:?}");
    assert_eq!(found[0].similarity, search::similarity(4));
}

#[test]
fn the_exact_scan_reads_every_probe_even_at_the_most_a_search_takes() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(4);
    let scene = random_code(&mut rng);
    let index = two_anime(dir.path(), scene, random_code(&mut rng));
    // 64 probes, the right one last: a mask of 64 probes once overflowed
    // to none.
    let mut probes: Vec<Probe> = (0..search::MAX_PROBES - 1)
        .map(|_| Probe::of_code(random_code(&mut rng)))
        .collect();
    probes.push(Probe::of_code(scene));

    let hits = search::exact(&index, &probes, None);

    assert_eq!(hits.first().map(|h| h.distance), Some(0), "{hits:?}");
}
