//! Encoding rendered frames by piping raw RGB into the `ffmpeg` CLI with a codec/container profile.

use super::{AnimeSpec, Fps, FrameSpec, Renderer};
use crate::{Error, Result, ffmpeg};
use image::RgbImage;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;

/// Video codecs the fixtures use (all fast presets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    H264,
    Hevc,
    Vp9,
    Mpeg4,
    Av1,
    Mpeg2,
}

/// Containers, named by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Mp4,
    Mkv,
    Webm,
    Avi,
    Ts,
}

impl Container {
    /// File extension without the dot.
    pub fn ext(&self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mkv => "mkv",
            Container::Webm => "webm",
            Container::Avi => "avi",
            Container::Ts => "ts",
        }
    }
}

/// How an episode is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub codec: Codec,
    pub container: Container,
    /// Drop exact duplicate frames and keep real, irregular timestamps (variable frame rate).
    pub vfr: bool,
}

impl Profile {
    /// The usual container for a codec, constant frame rate.
    pub fn for_codec(codec: Codec) -> Profile {
        let container = match codec {
            Codec::H264 => Container::Mp4,
            Codec::Hevc | Codec::Av1 => Container::Mkv,
            Codec::Vp9 => Container::Webm,
            Codec::Mpeg4 => Container::Avi,
            Codec::Mpeg2 => Container::Ts,
        };
        Profile {
            codec,
            container,
            vfr: false,
        }
    }

    /// Pixel format for a size: 4:2:0 needs even sizes in x264/x265/vp9, so odd sizes use 4:4:4
    /// there; MPEG-2/MPEG-4 Part 2 pad internally; SVT-AV1 has no 4:4:4, so odd sizes are refused.
    pub fn pix_fmt(&self, w: u32, h: u32) -> Result<&'static str> {
        let odd = w % 2 == 1 || h % 2 == 1;
        match (self.codec, odd) {
            (_, false) | (Codec::Mpeg2 | Codec::Mpeg4, true) => Ok("yuv420p"),
            (Codec::Av1, true) => Err(Error::Invalid(format!(
                "AV1 (SVT) cannot encode the odd size {w}x{h}"
            ))),
            (_, true) => Ok("yuv444p"),
        }
    }

    fn codec_args(&self) -> &'static [&'static str] {
        match self.codec {
            Codec::H264 => &["-c:v", "libx264", "-preset", "ultrafast", "-crf", "20"],
            Codec::Hevc => &[
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-crf",
                "22",
                "-x265-params",
                "log-level=error",
            ],
            Codec::Vp9 => &[
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-row-mt",
                "1",
                "-b:v",
                "0",
                "-crf",
                "30",
            ],
            Codec::Mpeg4 => &["-c:v", "mpeg4", "-q:v", "3"],
            Codec::Av1 => &["-c:v", "libsvtav1", "-preset", "12", "-crf", "32"],
            Codec::Mpeg2 => &["-c:v", "mpeg2video", "-q:v", "3"],
        }
    }

    /// The ffmpeg arguments after the input: filters, codec, format and threads.
    pub fn output_args(&self, w: u32, h: u32) -> Result<Vec<String>> {
        let mut args: Vec<String> = Vec::new();
        if self.vfr {
            // Only near-exact duplicates go; their timestamps stay, so the result is truly VFR.
            args.extend(
                ["-vf", "mpdecimate=hi=64:lo=64:frac=0", "-fps_mode", "vfr"].map(String::from),
            );
        }
        args.extend(self.codec_args().iter().map(|s| s.to_string()));
        args.extend(["-pix_fmt", self.pix_fmt(w, h)?, "-threads", "2", "-an"].map(String::from));
        Ok(args)
    }
}

/// Encodes `frames` (all `w` x `h`) at `fps` into `out` with `profile`.
pub fn encode_frames(
    frames: impl Iterator<Item = RgbImage>,
    (w, h): (u32, u32),
    fps: Fps,
    profile: &Profile,
    out: &Path,
) -> Result<()> {
    let mut cmd = ffmpeg::ffmpeg();
    cmd.args([
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        &format!("{w}x{h}"),
        "-r",
        &fps.ffmpeg_arg(),
        "-i",
        "-",
    ]);
    cmd.args(profile.output_args(w, h)?);
    // A keyframe every two seconds keeps seeking (query extraction) cheap.
    cmd.args(["-g", &((fps.value() * 2.0).round() as u32).to_string()]);
    cmd.arg("-y").arg(out);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|source| Error::Spawn {
        program: "ffmpeg".into(),
        source,
    })?;
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut stdin = child.stdin.take().expect("piped");
    let mut written = Ok(());
    for frame in frames {
        if let Err(e) = stdin.write_all(frame.as_raw()) {
            written = Err(e);
            break;
        }
    }
    drop(stdin);
    let status = child.wait().map_err(Error::io(out))?;
    let stderr = reader.join().unwrap_or_default();
    if !status.success() || written.is_err() {
        return Err(Error::Tool {
            program: "ffmpeg".into(),
            target: out.display().to_string(),
            status: status.to_string(),
            stderr,
        });
    }
    Ok(())
}

/// Renders episode `episode` (index into `anime.episodes`) at `w` x `h` and encodes it into `out`.
pub fn encode(
    anime: &AnimeSpec,
    episode: usize,
    (w, h): (u32, u32),
    profile: &Profile,
    out: &Path,
) -> Result<()> {
    let ep = &anime.episodes[episode];
    let mut renderer = Renderer::new(anime, w, h);
    let mut last: Option<(FrameSpec, RgbImage)> = None;
    // Held drawings repeat their spec: reuse the pixels instead of rendering again.
    let frames = (0..ep.frames()).map(move |i| {
        let spec = ep.frame_spec(i);
        match &last {
            Some((s, img)) if *s == spec => img.clone(),
            _ => {
                let img = renderer.frame(&spec);
                last = Some((spec, img.clone()));
                img
            }
        }
    });
    encode_frames(frames, (w, h), ep.fps, profile, out)
}
