//! Running the `ffmpeg`/`ffprobe` command-line tools, with their stderr in every error.

use crate::{Error, Result};
use std::path::Path;
use std::process::{Command, Output};

/// Runs a finished command and turns a failure into an error carrying its stderr.
pub fn run(mut cmd: Command, target: &Path) -> Result<Output> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|source| Error::Spawn {
        program: program.clone(),
        source,
    })?;
    if !out.status.success() {
        return Err(Error::Tool {
            program,
            target: target.display().to_string(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(out)
}

/// A quiet `ffmpeg` command.
pub fn ffmpeg() -> Command {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error"]);
    cmd
}

/// Runs a quiet `ffmpeg` with `args` and then the output file `out`, replacing it if it exists.
pub fn write(args: &[&str], out: &Path) -> Result<()> {
    let mut cmd = ffmpeg();
    cmd.arg("-y").args(args).arg(out);
    run(cmd, out).map(drop)
}

/// What ffprobe prints of `entries` of the first video stream of `file`,
/// in output format `format`.
fn ffprobe(file: &Path, entries: &str, format: &str) -> Result<String> {
    let mut cmd = Command::new("ffprobe");
    cmd.args(["-v", "error", "-select_streams", "v:0"]);
    cmd.args(["-show_entries", entries, "-of", format]);
    cmd.arg(file);
    let out = run(cmd, file)?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Presentation timestamps (seconds) of every video frame of `file`, as ffprobe reports them.
pub fn frame_times(file: &Path) -> Result<Vec<f64>> {
    let text = ffprobe(file, "frame=pts_time", "csv=p=0")?;
    Ok(text
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect())
}

/// Width, height and duration (seconds) of the first video stream of `file`.
pub fn probe(file: &Path) -> Result<(u32, u32, f64)> {
    let text = ffprobe(
        file,
        "stream=width,height:format=duration",
        "default=noprint_wrappers=1",
    )?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .ok_or_else(|| Error::Invalid(format!("{}: ffprobe gave no {name}", file.display())))
    };
    Ok((
        field("width")? as u32,
        field("height")? as u32,
        field("duration")?,
    ))
}

/// Start time (seconds) of the first video stream: MPEG-TS files start at about 1.4 s, not 0.
pub fn start_time(file: &Path) -> Result<f64> {
    let text = ffprobe(file, "stream=start_time", "csv=p=0")?;
    // MPEG-TS lists the stream once per program too: take the first value.
    Ok(text
        .lines()
        .find_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .unwrap_or(0.0))
}

/// Decodes the frame shown at `t` seconds after the first frame (the last frame with pts <= t), as RGB.
///
/// Where an input seek lands depends on the container (MPEG-TS may land after the target), so
/// this seeks to a keyframe before `t - window`, keeps the original timestamps, selects frames by
/// pts, and seeks further back when no frame of the window was decoded.
pub fn frame_at(
    file: &Path,
    t: f64,
    window: f64,
    (w, h): (u32, u32),
    fps: f64,
) -> Result<image::RgbImage> {
    let origin = start_time(file)?;
    let mut back = window;
    loop {
        let start = (t - back).max(0.0);
        if let Some(img) = decode_window(file, origin, [start, t], (w, h), fps)? {
            return Ok(img);
        }
        if start == 0.0 {
            return Err(Error::Invalid(format!(
                "{}: no frame at or before {t:.3} s",
                file.display()
            )));
        }
        back = back * 2.0 + 1.0;
    }
}

/// The last frame with pts in `[start, end]` (seconds from the first frame), if one was decoded.
///
/// Decoding runs on from the keyframe the seek found, so the last decoded frame up to `end` is
/// the frame shown at `end` whenever any frame of the window was decoded.
fn decode_window(
    file: &Path,
    origin: f64,
    [start, end]: [f64; 2],
    (w, h): (u32, u32),
    fps: f64,
) -> Result<Option<image::RgbImage>> {
    let (from, to) = (origin + start - 1e-3, origin + end + 1e-4);
    let count = ((end - start) * fps).ceil() as u32 + 3;
    // Frames from the window on; `count` stops decoding just past its end, not at the end of file.
    let filter = format!("select=gte(t\\,{from:.6}),showinfo");
    let mut cmd = Command::new("ffmpeg");
    cmd.args([
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "info",
        "-noaccurate_seek",
        "-copyts",
    ]);
    cmd.args(["-ss", &format!("{start:.6}")])
        .arg("-i")
        .arg(file);
    // Passthrough: one output frame per filtered frame. The rawvideo muxer
    // would otherwise run at a constant rate and duplicate frames across
    // the gaps of a VFR file, so that output frame k is not showinfo's k.
    cmd.args([
        "-frames:v",
        &count.to_string(),
        "-vf",
        &filter,
        "-fps_mode",
        "passthrough",
        "-an",
        "-sn",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]);
    let out = run(cmd, file)?;
    let kept = showinfo_times(&String::from_utf8_lossy(&out.stderr));
    let size = (w * h * 3) as usize;
    let last = kept
        .iter()
        .rposition(|&pts| pts <= to)
        .filter(|&k| (k + 1) * size <= out.stdout.len());
    Ok(last.and_then(|k| {
        image::RgbImage::from_raw(w, h, out.stdout[k * size..(k + 1) * size].to_vec())
    }))
}

/// The `pts_time` of every frame the showinfo filter logged, in order.
fn showinfo_times(log: &str) -> Vec<f64> {
    log.lines()
        .filter(|l| l.contains("showinfo") && l.contains(" n:"))
        .filter_map(|l| {
            l.split("pts_time:")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect()
}
