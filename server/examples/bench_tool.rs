//! Helpers for `server/benches/run.sh`: build a large synthetic index
//! (random codes through `IndexBuilder`), draw the 1280x720 query JPEG whose
//! code is planted in it, and time the search alone (decode + search,
//! no HTTP) for comparison with the end-to-end numbers.

use shared::descriptor::frame_descriptor;
use shared::image_decode::{DecodeLimits, decode_image};
use shared::index::{Anime, Video, write_atomically};
use shared::query::{QueryOptions, search_image};
use shared::{FrameCode, Gray, Index, IndexBuilder};
use std::path::Path;
use std::time::Instant;

const FRAMES_PER_VIDEO: u64 = 20_000;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["make-jpeg", out] => make_jpeg(Path::new(out)),
        ["make-index", frames, jpeg, out] => {
            make_index(frames.parse()?, Path::new(jpeg), Path::new(out))
        }
        ["search-time", index, jpeg, runs] => {
            search_time(Path::new(index), Path::new(jpeg), runs.parse()?)
        }
        _ => anyhow::bail!(
            "usage: bench_tool make-jpeg OUT | make-index FRAMES QUERY.jpg OUT | search-time INDEX QUERY.jpg RUNS"
        ),
    }
}

/// A structured 1280x720 picture (gradients, bands, a disc) saved as JPEG.
fn make_jpeg(out: &Path) -> anyhow::Result<()> {
    let img = image::RgbImage::from_fn(1280, 720, |x, y| {
        let band = ((x / 97 + y / 61) % 5) as u8 * 40;
        let disc = (x as i64 - 800).pow(2) + (y as i64 - 300).pow(2) < 160 * 160;
        let r = if disc {
            240
        } else {
            (x * 255 / 1280) as u8 ^ band
        };
        image::Rgb([r, (y * 255 / 720) as u8, band.wrapping_add((x / 13) as u8)])
    });
    img.save_with_format(out, image::ImageFormat::Jpeg)?;
    Ok(())
}

/// Random frames in videos of `FRAMES_PER_VIDEO`, 100 anime, with the
/// query's own code planted in the middle of the first video.
fn make_index(frames: u64, jpeg: &Path, out: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let query = decode_image(&std::fs::read(jpeg)?, &DecodeLimits::default())?;
    let planted = frame_descriptor(&Gray::from_rgb(&query)).code;
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut b = IndexBuilder::new();
    for a in 0..100u32 {
        b.add_anime(Anime {
            id: a + 1,
            folder: format!("Anime {a}"),
            title: format!("Anime {a}"),
            anilist_id: Some(1000 + a),
            is_adult: a % 10 == 9,
            synonyms: vec![],
        });
    }
    let videos = frames.div_ceil(FRAMES_PER_VIDEO);
    for v in 0..videos {
        let n = FRAMES_PER_VIDEO.min(frames - v * FRAMES_PER_VIDEO);
        let codes: Vec<(FrameCode, u32)> = (0..n)
            .map(|i| {
                let code = if v == 0 && i == n / 2 {
                    planted
                } else {
                    random_code(&mut rng)
                };
                (code, i as u32 * 250)
            })
            .collect();
        b.add_video(video(v, n), &codes);
    }
    let header = write_atomically(out, &b.finish(), "bench", 1_700_000_000)?;
    eprintln!(
        "{} frames, {} videos in {:.1?}",
        header.frame_count,
        header.video_count,
        started.elapsed()
    );
    Ok(())
}

fn video(v: u64, frames: u64) -> Video {
    Video {
        path: format!("Anime {}/Episode {:04}.mkv", v % 100, v),
        anime: (v % 100) as u32,
        episode: Some((v / 100 + 1) as u32),
        duration_ms: frames as u32 * 250,
        size: 1,
        mtime_ns: 0,
        first_frame: 0,
        frame_count: 0,
    }
}

fn random_code(state: &mut u64) -> FrameCode {
    let mut bytes = [0u8; shared::descriptor::CODE_BYTES];
    for chunk in bytes.chunks_mut(8) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    FrameCode::from_bytes(&bytes)
}

/// Decode + search, single thread, `runs` times: p50 and p99 in ms.
fn search_time(index: &Path, jpeg: &Path, runs: usize) -> anyhow::Result<()> {
    let index = Index::open(index)?;
    let bytes = std::fs::read(jpeg)?;
    let mut times = Vec::with_capacity(runs);
    let mut hits = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let img = decode_image(&bytes, &DecodeLimits::default())?;
        hits = search_image(&index, &img, &QueryOptions::default()).len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "search only ({} frames, {runs} runs, {hits} hits): p50 {:.1} ms, p99 {:.1} ms",
        index.frame_count(),
        pick(0.5),
        pick(0.99)
    );
    Ok(())
}
