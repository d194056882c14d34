//! What to cut for a preview and the `ffmpeg` command line that cuts it:
//! the still at the matched time, or the clip of the scene around it. The
//! scene comes from the index: the indexer keeps a frame only when the
//! picture changes, so the matched frame's picture is held from its kept
//! time to the next kept frame; the clip covers that, at least 2 s around
//! the match, at most 5 s either side of it.

use super::{Kind, Size};
use shared::Index;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The longest a clip reaches either side of the matched moment.
pub const REACH_MS: u32 = 5_000;
/// The shortest clip, when the video is long enough.
pub const MIN_CLIP_MS: u32 = 2_000;
/// A cut that takes longer is killed (a damaged or huge file).
pub const CUT_DEADLINE: Duration = Duration::from_secs(30);

/// One preview to cut.
#[derive(Debug, Clone)]
pub struct Cut {
    pub kind: Kind,
    pub video: PathBuf,
    pub at_ms: u32,
    pub from_ms: u32,
    pub to_ms: u32,
    pub size: Size,
}

/// The clip bounds around `at_ms` in video `video` of `index`.
pub fn scene(index: &Index, video: usize, at_ms: u32) -> (u32, u32) {
    let duration = index.videos()[video].duration_ms.to_native().max(at_ms);
    let times = index.times_ms(video);
    let i = times.partition_point(|&t| t <= at_ms).saturating_sub(1);
    let held_from = times.get(i).copied().unwrap_or(0).min(at_ms);
    let held_to = times.get(i + 1).copied().unwrap_or(duration);
    let mut from = held_from.max(at_ms.saturating_sub(REACH_MS));
    let mut to = held_to.min(at_ms + REACH_MS).min(duration);
    if to.saturating_sub(from) < MIN_CLIP_MS {
        from = from.min(at_ms.saturating_sub(MIN_CLIP_MS / 2));
        to = to.max(from + MIN_CLIP_MS).min(duration);
    }
    (from, to.max(from))
}

/// Why a cut failed.
#[derive(Debug, thiserror::Error)]
pub enum CutError {
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("ffmpeg failed on {video}: {stderr}")]
    Failed { video: String, stderr: String },
    #[error("ffmpeg took longer than {} s on {video}", CUT_DEADLINE.as_secs())]
    TimedOut { video: String },
}

impl Cut {
    /// Runs `ffmpeg` to write this preview to `out`.
    pub async fn run(&self, ffmpeg: &Path, out: &Path) -> Result<(), CutError> {
        let mut cmd = tokio::process::Command::new(ffmpeg);
        cmd.args(self.args(out))
            .kill_on_drop(true)
            .stdin(std::process::Stdio::null());
        let output = cmd.output();
        let video = self.video.display().to_string();
        let output = match tokio::time::timeout(CUT_DEADLINE, output).await {
            Err(_) => return Err(CutError::TimedOut { video }),
            Ok(Err(source)) => {
                return Err(CutError::Spawn {
                    program: ffmpeg.display().to_string(),
                    source,
                });
            }
            Ok(Ok(output)) => output,
        };
        if !output.status.success() || !out.exists() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(CutError::Failed {
                video,
                stderr: stderr
                    .trim()
                    .lines()
                    .last()
                    .unwrap_or("no output")
                    .to_string(),
            });
        }
        Ok(())
    }

    /// The command line (without the program).
    pub fn args(&self, out: &Path) -> Vec<String> {
        let seconds = |ms: u32| format!("{:.3}", ms as f64 / 1000.0);
        let scale = format!("scale={}:-2", self.size.width());
        let mut args: Vec<String> = ["-nostdin", "-v", "error", "-y"].map(String::from).to_vec();
        let video = self.video.display().to_string();
        match self.kind {
            Kind::Image => {
                args.extend(["-ss".into(), seconds(self.at_ms), "-i".into(), video]);
                args.extend(
                    ["-frames:v", "1", "-vf", &scale, "-q:v", "3", "-f", "image2"]
                        .map(String::from),
                );
            }
            Kind::Video => {
                args.extend(["-ss".into(), seconds(self.from_ms), "-i".into(), video]);
                args.extend(["-t".into(), seconds(self.to_ms - self.from_ms)]);
                args.extend(
                    [
                        "-an",
                        "-sn",
                        "-dn",
                        "-vf",
                        &scale,
                        "-c:v",
                        "libx264",
                        "-preset",
                        "veryfast",
                        "-crf",
                        "26",
                        "-pix_fmt",
                        "yuv420p",
                        "-movflags",
                        "+faststart",
                        "-f",
                        "mp4",
                    ]
                    .map(String::from),
                );
            }
        }
        args.push(out.display().to_string());
        args
    }
}
