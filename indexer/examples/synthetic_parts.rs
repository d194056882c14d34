//! Writes the part files of a synthetic library, to time `indexer merge`
//! at sizes no test decodes (docs/BENCHMARKS.md, "Merging parts"):
//!
//! `cargo run --release -p indexer --example synthetic_parts -- OUT FRAMES N`
//!
//! writes OUT/part-K-of-N.bin for K in 1..=N: episodes of 4000 kept frames
//! (random codes, one in 16 flat, 80 to 400 ms apart), 12 per anime, each
//! in the share its path names, as `indexer build --part` would put them.

use indexer::part::{share_of, text_fingerprint};
use shared::FrameCode;
use shared::index::{Anime, IndexBuilder, KeptFrame, Part, Video, write_part_atomically};
use std::path::{Path, PathBuf};

const FRAMES_PER_VIDEO: u64 = 4000;
const EPISODES: u64 = 12;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, frames, n] = args.as_slice() else {
        return Err("usage: synthetic_parts OUT FRAMES N (e.g. parts 1e7 8)".into());
    };
    let frames = frames.parse::<f64>()? as u64;
    let n: u32 = n.parse()?;
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    let videos = frames.div_ceil(FRAMES_PER_VIDEO);
    let library = text_fingerprint("/synthetic/library");
    for k in 1..=n {
        let path = out.join(format!("part-{k}-of-{n}.bin"));
        let part = Part {
            share: k,
            of: n,
            library,
        };
        let written = write_part(&path, videos, part)?;
        eprintln!("{}: {written} frames", path.display());
    }
    Ok(())
}

/// The part's videos (those of share `part.share`), anime by anime.
fn write_part(path: &Path, videos: u64, part: Part) -> Result<u64, Box<dyn std::error::Error>> {
    let mut builder = IndexBuilder::new();
    let mut anime_at: Option<(u64, u32)> = None;
    for v in 0..videos {
        let (a, e) = (v / EPISODES, v % EPISODES + 1);
        let folder = format!("Show {a:05}");
        let rel = format!("{folder}/{folder} - {e:02}.mkv");
        if share_of(&rel, part.of) != part.share {
            continue;
        }
        let position = match anime_at {
            Some((at, position)) if at == a => position,
            _ => builder.add_anime(Anime::new(a as u32 + 1, &folder, &folder)),
        };
        anime_at = Some((a, position));
        let video = Video {
            path: rel,
            anime: position,
            episode: Some(e as u32),
            duration_ms: 0,
            size: 1 << 28,
            mtime_ns: 0,
            first_frame: 0,
            frame_count: 0,
        };
        builder.add_video(video, &frames(v));
    }
    let frames = builder.frame_count();
    write_part_atomically(path, &builder.finish(), part, "synthetic", 0)?;
    Ok(frames)
}

/// A video's kept frames: xorshift64* from the video's number, both codes.
fn frames(video: u64) -> Vec<KeptFrame> {
    let mut state = video.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut at = 0u32;
    (0..FRAMES_PER_VIDEO)
        .map(|_| {
            let (lo, hi, inner) = (next(), next(), next());
            at += 80 + (hi >> 40) as u32 % 320;
            let (code, inner) = match lo % 16 {
                0 => Default::default(),
                _ => (
                    FrameCode { lo, hi: hi as u32 },
                    FrameCode {
                        lo: inner,
                        hi: (inner >> 32) as u32,
                    },
                ),
            };
            KeptFrame {
                code,
                inner,
                ms: at,
            }
        })
        .collect()
}
