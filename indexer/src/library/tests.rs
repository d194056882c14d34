//! What `anime.json` may say, read as an operator writes it: a plain or an
//! AniList title object, MAL id, and what is refused with a warning.

use super::meta::read_meta;
use super::*;

fn meta(json: &str) -> (AnimeMeta, Vec<Warning>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anime.json");
    std::fs::write(&path, json).unwrap();
    let mut warnings = Vec::new();
    (read_meta(&path, &mut warnings), warnings)
}

#[test]
fn a_plain_title_is_shown_and_has_no_anilist_titles() {
    let (m, warnings) = meta(r#"{"title": "Some Anime", "anilistId": 21, "idMal": 7}"#);
    assert!(warnings.is_empty());
    assert_eq!(m.display_title(), Some("Some Anime"));
    assert_eq!(m.titles(), None);
    assert_eq!((m.anilist_id, m.id_mal), (Some(21), Some(7)));
}

#[test]
fn a_title_object_shows_romaji_then_english_then_native() {
    let (m, _) = meta(
        r#"{"title": {"native": "ワンピース", "romaji": "ONE PIECE", "english": "One Piece"}}"#,
    );
    assert_eq!(m.display_title(), Some("ONE PIECE"));
    let t = m.titles().unwrap();
    assert_eq!(t.native.as_deref(), Some("ワンピース"));
    assert_eq!(t.english.as_deref(), Some("One Piece"));
    let (m, _) =
        meta(r#"{"title": {"native": "ワンピース", "romaji": " ", "english": "One Piece"}}"#);
    assert_eq!(m.display_title(), Some("One Piece"));
    let (m, _) = meta(r#"{"title": {"native": "ワンピース"}}"#);
    assert_eq!(m.display_title(), Some("ワンピース"));
    let (m, _) = meta(r#"{"title": {}}"#);
    assert_eq!(m.display_title(), None, "the folder name stands in");
}

#[test]
fn a_wrong_title_is_a_warning_and_defaults() {
    for bad in [
        r#"{"title": {"romanji": "typo"}}"#,
        r#"{"title": 12}"#,
        r#"{"title": "A", "idMal": "seven"}"#,
    ] {
        let (m, warnings) = meta(bad);
        assert_eq!(m, AnimeMeta::default(), "{bad}");
        assert_eq!(warnings.len(), 1, "{bad}");
        assert!(
            warnings[0].message.starts_with("malformed anime.json"),
            "{bad}"
        );
    }
    let (_, warnings) = meta(r#"{"title": 12}"#);
    assert!(
        warnings[0].message.contains("a string or an object"),
        "{}",
        warnings[0].message
    );
}
