//! Short clips from FFmpeg's lavfi sources: real files of any codec, container, size and rate in
//! a fraction of a second, for tests of decoding and indexing that need no ground truth.

use crate::{Error, Result, ffmpeg};
use std::path::Path;

/// H.264 in 4:2:0, as most releases are.
pub const H264: &[&str] = &[
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
];
/// VP9, as WebM files carry it.
pub const VP9: &[&str] = &[
    "-c:v",
    "libvpx-vp9",
    "-deadline",
    "realtime",
    "-cpu-used",
    "8",
];
/// MPEG-4 part 2, as old AVI files carry it.
pub const MPEG4: &[&str] = &["-c:v", "mpeg4", "-q:v", "4"];

/// Writes `seconds` of an evolving lavfi picture that never repeats to `path` (its folder is
/// created), encoded with the `codec` arguments. `source` is `mandelbrot` (`mandelbrot2` to
/// `mandelbrot5`: other places of the set) or `testsrc2`, so that each clip can look like no other.
pub fn clip(
    path: &Path,
    source: &str,
    size: &str,
    rate: &str,
    seconds: &str,
    codec: &[&str],
) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(Error::io(folder))?;
    }
    let name = source.trim_end_matches(char::is_numeric);
    let src = format!("{name}=s={size}:r={rate}{}", place(source));
    let mut args = vec!["-f", "lavfi", "-i", &src, "-t", seconds];
    args.extend_from_slice(codec);
    ffmpeg::write(&args, path)
}

/// The lavfi options that move a numbered `mandelbrot` source to its own place of the set.
fn place(source: &str) -> &'static str {
    match source {
        "mandelbrot2" => ":start_x=-1.2:start_y=0.2:start_scale=1.5:end_scale=0.1",
        "mandelbrot3" => ":start_x=0.27:start_y=0.005:start_scale=0.6:end_scale=0.05",
        "mandelbrot4" => ":start_x=-0.75:start_y=0.1:start_scale=0.3:end_scale=0.02",
        "mandelbrot5" => ":start_x=-0.16:start_y=1.04:start_scale=0.2:end_scale=0.01",
        _ => "",
    }
}

/// Writes a variable-frame-rate H.264 clip to `path`: 1 s at 30 fps, then 10 fps, with real
/// irregular timestamps in the container.
pub fn vfr_clip(path: &Path) -> Result<()> {
    ffmpeg::write(
        &[
            "-f",
            "lavfi",
            "-t",
            "4",
            "-i",
            "testsrc2=s=320x240:r=30",
            "-vf",
            "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'",
            "-fps_mode",
            "vfr",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
        ],
        path,
    )
}
