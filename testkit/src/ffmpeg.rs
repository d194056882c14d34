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

/// Presentation timestamps (seconds) of every video frame of `file`, as ffprobe reports them.
pub fn frame_times(file: &Path) -> Result<Vec<f64>> {
    let mut cmd = Command::new("ffprobe");
    cmd.args([
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "frame=pts_time",
        "-of",
        "csv=p=0",
    ]);
    cmd.arg(file);
    let out = run(cmd, file)?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect())
}

/// Width, height and duration (seconds) of the first video stream of `file`.
pub fn probe(file: &Path) -> Result<(u32, u32, f64)> {
    let mut cmd = Command::new("ffprobe");
    cmd.args([
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=width,height:format=duration",
    ]);
    cmd.args(["-of", "default=noprint_wrappers=1"]);
    cmd.arg(file);
    let out = run(cmd, file)?;
    let text = String::from_utf8_lossy(&out.stdout);
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

/// Decodes the frame shown at `t` seconds (the last frame with pts <= t) as RGB.
///
/// Decodes from `window` seconds before `t` (at least one frame interval; longer for VFR files,
/// whose last frame before `t` may be far back) and keeps the last frame decoded.
pub fn frame_at(file: &Path, t: f64, window: f64, (w, h): (u32, u32)) -> Result<image::RgbImage> {
    let start = (t - window).max(0.0);
    let mut cmd = ffmpeg();
    cmd.args(["-ss", &format!("{start:.6}"), "-i"]).arg(file);
    cmd.args([
        "-t",
        &format!("{:.6}", t - start + 0.0005),
        "-an",
        "-sn",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]);
    let out = run(cmd, file)?;
    let size = (w * h * 3) as usize;
    if out.stdout.len() < size {
        return Err(Error::Invalid(format!(
            "{}: no frame decoded at {t:.3} s",
            file.display()
        )));
    }
    let last =
        out.stdout[out.stdout.len() / size * size - size..out.stdout.len() / size * size].to_vec();
    image::RgbImage::from_raw(w, h, last)
        .ok_or_else(|| Error::Invalid("frame size mismatch".into()))
}
