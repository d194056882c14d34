//! Reads the episode number out of a file name, in the conventions release
//! groups use: `Title - 03 [1080p].mkv`, `S01E03`, `EP03`, `Title 03v2`,
//! `第03話`. Returns `None` for movies and names without one.

use regex::Regex;
use std::sync::OnceLock;

struct Patterns {
    season_episode: Regex,
    japanese: Regex,
    ep_word: Regex,
    dash_number: Regex,
    brackets: Regex,
    bare_number: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        season_episode: Regex::new(r"(?i)\bS\d{1,2}[ ._-]?E(\d{1,4})").expect("valid"),
        japanese: Regex::new(r"第\s*(\d{1,4})\s*[話话集]").expect("valid"),
        ep_word: Regex::new(r"(?i)(?:^|[^a-z])ep(?:isode)?[ ._-]?(\d{1,4})(?:v\d+)?(?:[^\d]|$)")
            .expect("valid"),
        dash_number: Regex::new(r"\s-\s(\d{1,4})(?:v\d+)?(?:[\s._\[(]|$)").expect("valid"),
        brackets: Regex::new(r"\[[^\]]*\]|\([^)]*\)|【[^】]*】").expect("valid"),
        bare_number: Regex::new(r"(?:^|[\s._-])(\d{1,4})(?:v\d+)?(?:[\s._-]|$)").expect("valid"),
    })
}

/// The episode number of a video file name (with or without extension).
pub fn parse(file_name: &str) -> Option<u32> {
    let p = patterns();
    let stem = strip_extension(file_name);
    let first = |re: &Regex, text: &str| {
        re.captures(text)
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().parse::<u32>().ok())
    };
    if let Some(n) = first(&p.season_episode, stem)
        .or_else(|| first(&p.japanese, stem))
        .or_else(|| first(&p.ep_word, stem))
        .or_else(|| first(&p.dash_number, stem))
    {
        return Some(n);
    }
    // Tags such as [1080p], (BD), [ABCD1234] carry numbers that are not
    // episodes: drop them, then take the last free-standing number.
    let bare = p.brackets.replace_all(stem, " ");
    p.bare_number
        .captures_iter(&bare)
        .filter_map(|c| c.get(1))
        .filter_map(|m| m.as_str().parse::<u32>().ok())
        .filter(|&n| !is_year_or_resolution(n))
        .last()
}

fn strip_extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if name.len() - i <= 5 && i > 0 => &name[..i],
        _ => name,
    }
}

fn is_year_or_resolution(n: u32) -> bool {
    (1900..=2100).contains(&n) || matches!(n, 480 | 576 | 720 | 1080 | 2160)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn release_conventions() {
        let cases = [
            ("Title - 03 [1080p].mkv", Some(3)),
            (
                "[Group] Some Title - 12v2 (BD 1080p) [ABCD1234].mkv",
                Some(12),
            ),
            ("Title S01E03.mp4", Some(3)),
            ("title.s02e11.720p.x264.mkv", Some(11)),
            ("Title EP03.webm", Some(3)),
            ("Title Episode 7.mkv", Some(7)),
            ("Title 03v2.mkv", Some(3)),
            ("Title 04v2.avi", Some(4)),
            ("第03話.mkv", Some(3)),
            ("タイトル 第12話 [1080p].ts", Some(12)),
            ("05.mkv", Some(5)),
            ("Title The Movie [1080p].mkv", None),
            ("Title (2019) [1080p].mkv", None),
            ("Title 2 - 05.mkv", Some(5)),
        ];
        for (name, want) in cases {
            assert_eq!(parse(name), want, "{name}");
        }
    }
}
