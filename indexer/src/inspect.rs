//! `indexer stats` and `indexer verify`: look inside an index file.

use crate::exit;
use serde::Serialize;
use shared::Index;
use std::path::Path;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    path: String,
    format_version: u32,
    tool_version: String,
    /// ISO 8601, UTC, as `/api/health` shows it.
    built_at: String,
    /// The share a part file holds (`indexer build --part`); absent in an index.
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<PartStats>,
    anime: usize,
    videos: usize,
    frames: u64,
    file_bytes: u64,
    bytes_per_frame: f64,
    per_anime: Vec<AnimeStats>,
    /// Files that failed when last tried; builds skip them until they change.
    failed: Vec<FailedFile>,
}

#[derive(Serialize)]
struct PartStats {
    share: u32,
    of: u32,
    /// The library's fingerprint, in hex: every part of one index has the same.
    library: String,
}

#[derive(Serialize)]
struct FailedFile {
    path: String,
    reason: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnimeStats {
    id: u32,
    title: String,
    videos: usize,
    frames: u64,
    seconds: f64,
}

pub fn stats(path: &Path, json: bool) -> anyhow::Result<u8> {
    let index = Index::open(path)?;
    let s = collect(&index);
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print_text(&s);
    }
    Ok(exit::OK)
}

fn collect(index: &Index) -> Stats {
    let h = index.header();
    let mut per_anime: Vec<AnimeStats> = index
        .anime()
        .iter()
        .map(|a| AnimeStats {
            id: a.id.to_native(),
            title: a.title.to_string(),
            videos: 0,
            frames: 0,
            seconds: 0.0,
        })
        .collect();
    for v in index.videos() {
        let a = &mut per_anime[v.anime.to_native() as usize];
        a.videos += 1;
        a.frames += v.frame_count.to_native() as u64;
        a.seconds += v.duration_ms.to_native() as f64 / 1000.0;
    }
    Stats {
        path: index.path().display().to_string(),
        format_version: h.version,
        tool_version: h.tool_version.clone(),
        built_at: date(h.built_at),
        part: h.part.map(|p| PartStats {
            share: p.share,
            of: p.of,
            library: format!("{:08x}", p.library),
        }),
        anime: index.anime().len(),
        videos: index.videos().len(),
        frames: index.frame_count(),
        file_bytes: index.file_len(),
        bytes_per_frame: index.file_len() as f64 / index.frame_count().max(1) as f64,
        per_anime,
        failed: index
            .failed()
            .iter()
            .map(|f| FailedFile {
                path: f.path.to_string(),
                reason: f.reason.to_string(),
            })
            .collect(),
    }
}

/// Unix seconds as `2026-12-02T19:35:00Z`.
fn date(unix_seconds: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix_seconds.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

fn print_text(s: &Stats) {
    println!("index          {}", s.path);
    println!(
        "format version {} (written by indexer {})",
        s.format_version, s.tool_version
    );
    println!("built at       {}", s.built_at);
    if let Some(p) = &s.part {
        println!(
            "part           {}/{} of library {} (`indexer merge` makes the index)",
            p.share, p.of, p.library
        );
    }
    println!("anime          {}", s.anime);
    println!("videos         {}", s.videos);
    println!("frames         {}", s.frames);
    println!(
        "file size      {} bytes, {:.2} bytes per frame",
        s.file_bytes, s.bytes_per_frame
    );
    println!();
    println!(
        "{:>6} {:>7} {:>10} {:>9}  title",
        "id", "videos", "frames", "hours"
    );
    for a in &s.per_anime {
        println!(
            "{:>6} {:>7} {:>10} {:>9.2}  {}",
            a.id,
            a.videos,
            a.frames,
            a.seconds / 3600.0,
            a.title
        );
    }
    if !s.failed.is_empty() {
        println!();
        println!("failed (not tried again until the file changes):");
        for f in &s.failed {
            println!("  {}: {}", f.path, f.reason);
        }
    }
}

/// Exit 0 when the index is intact, 1 when it is corrupt, 2 when it
/// cannot be read at all.
pub fn verify(path: &Path) -> anyhow::Result<u8> {
    let result = Index::open(path).and_then(|index| index.verify().map(|()| index));
    match result {
        Ok(index) => {
            let part = index.header().part.map(|p| format!(", part {p}"));
            println!(
                "{}: OK ({} anime, {} videos, {} frames, format version {}{})",
                path.display(),
                index.anime().len(),
                index.videos().len(),
                index.frame_count(),
                index.header().version,
                part.unwrap_or_default()
            );
            Ok(exit::OK)
        }
        Err(e @ shared::IndexError::Io { .. }) => Err(e.into()),
        Err(e) => {
            eprintln!("indexer: {e}");
            Ok(exit::PARTIAL)
        }
    }
}
