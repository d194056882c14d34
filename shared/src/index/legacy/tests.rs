//! A format-3 file written by the old layout opens as format 4's anime and
//! the very same frames; a damaged one is refused.

use super::write_format_3;
use crate::FrameCode;
use crate::error::IndexError;
use crate::index::{Anime, Index, IndexBuilder, IndexData, Titles, Video, write_atomically};

fn data() -> IndexData {
    let mut builder = IndexBuilder::new();
    let anime = builder.add_anime(Anime {
        titles: Titles {
            romaji: Some("Some Anime".into()),
            ..Titles::default()
        },
        anilist_id: Some(21),
        mal_id: Some(7),
        is_adult: true,
        synonyms: vec!["SA".into()],
        ..Anime::new(5, "Some Anime", "Some Anime")
    });
    let video = Video {
        path: "Some Anime/01.mkv".into(),
        anime,
        episode: Some(1),
        duration_ms: 30_000,
        size: 1234,
        mtime_ns: 5678,
        first_frame: 0,
        frame_count: 0,
    };
    let frames: Vec<(FrameCode, u32)> = (1..=40u8)
        .map(|i| {
            (
                FrameCode::from_bytes(&[i.wrapping_mul(37); 12]),
                i as u32 * 500,
            )
        })
        .collect();
    builder.add_video(video, &frames);
    builder.finish()
}

#[test]
fn a_format_3_index_opens_with_its_anime_upgraded_and_the_same_frames() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("3.bin"), dir.path().join("4.bin"));
    let data = data();
    write_format_3(&old, &data, "test", 1).unwrap();
    write_atomically(&new, &data, "test", 1).unwrap();
    let (old, new) = (Index::open(&old).unwrap(), Index::open(&new).unwrap());
    old.verify().unwrap();
    assert_eq!((old.header().version, new.header().version), (3, 4));
    let expected = Anime {
        titles: Titles::default(),
        mal_id: None,
        ..data.anime[0].clone()
    };
    assert_eq!(old.anime()[0].to_owned(), expected);
    assert_eq!(new.anime()[0].to_owned(), data.anime[0]);
    assert_eq!(old.videos()[0].path, new.videos()[0].path);
    assert_eq!(old.frame_range(0), new.frame_range(0));
    assert_eq!(old.codes_in_frame_order(), new.codes_in_frame_order());
    assert_eq!(old.deltas(0), new.deltas(0));
}

#[test]
fn a_format_3_index_with_damaged_metadata_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("3.bin");
    write_format_3(&path, &data(), "test", 1).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let meta_len = u64::from_le_bytes(bytes[64..72].try_into().unwrap()) as usize;
    let meta = crate::index::HEADER_LEN..crate::index::HEADER_LEN + meta_len;
    bytes[meta].fill(0xff);
    std::fs::write(&path, &bytes).unwrap();
    match Index::open(&path) {
        Err(IndexError::Corrupt { why, .. }) => assert!(why.contains("metadata"), "{why}"),
        other => panic!("expected a corrupt index, got {:?}", other.err()),
    }
}
