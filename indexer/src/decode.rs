//! Decodes one video with FFmpeg and turns it into kept frames: every
//! frame is reduced to the work image straight from its luma plane, hashed,
//! and dropped when it looks the same as the last kept frame (held
//! drawings), so each kept frame stands for the time span until the next.

use ffmpeg::format::Pixel;
use ffmpeg::media::Type;
use ffmpeg_next as ffmpeg;
use shared::Gray;
use shared::descriptor::FrameCode;
use std::path::Path;

/// Frames closer than this to the last kept frame are the same drawing.
pub const SAME_DRAWING: u32 = 5;
/// Luma samples (columns, rows) compared to spot a repeated frame; a mean
/// difference of one level or less is codec noise on a held drawing.
const REPEAT_GRID: (usize, usize) = (64, 36);

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("cannot open: {0}")]
    Open(String),
    #[error("no video stream")]
    NoVideoStream,
    #[error("cannot set up the decoder: {0}")]
    Decoder(String),
    #[error("decoding failed: {0}")]
    Decode(String),
    #[error("no frame could be decoded")]
    Empty,
    #[error("truncated: frames stop at {decoded:.1} s of {declared:.1} s")]
    Truncated { decoded: f64, declared: f64 },
}

/// What indexing one video produced.
#[derive(Debug, Default)]
pub struct IndexedVideo {
    /// Kept frames: code (zero for flat frames) and start time in ms.
    pub frames: Vec<(FrameCode, u32)>,
    pub duration_ms: u32,
    pub decoded_frames: u64,
}

/// Initialises FFmpeg once and silences its own logging.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
    });
}

/// Decodes `path` with `threads` decoder threads; `on_frames` is told how
/// many frames were decoded since the last call. Decoding and hashing run
/// on two threads, so hashing fills the gaps FFmpeg's threads leave.
pub fn index_video(
    path: &Path,
    threads: usize,
    on_frames: &(dyn Fn(u64) + Sync),
) -> Result<IndexedVideo, VideoError> {
    init();
    let mut input = ffmpeg::format::input(path).map_err(|e| VideoError::Open(e.to_string()))?;
    let stream = best_video_stream(&input).ok_or(VideoError::NoVideoStream)?;
    let stream_index = stream.index();
    let start = stream.start_time();
    let start = if start == ffmpeg::ffi::AV_NOPTS_VALUE {
        0
    } else {
        start
    };
    let declared = declared_duration(&input, &stream);
    let mut clock = Clock::new(
        start,
        f64::from(stream.time_base()),
        f64::from(stream.avg_frame_rate()),
    );
    let mut decoder = open_decoder(&stream, threads)?;
    let (frames, hashed) = std::sync::mpsc::sync_channel::<(f64, ffmpeg::frame::Video)>(8);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut hasher = Hasher::default();
            for (time, frame) in hashed {
                hasher.add(&frame, time)?;
            }
            Ok::<_, VideoError>(hasher.out)
        });
        let mut send = |decoder: &mut ffmpeg::decoder::Video| {
            let mut n = 0;
            let mut frame = ffmpeg::frame::Video::empty();
            while decoder.receive_frame(&mut frame).is_ok() {
                let time = clock.time_of(&frame);
                if frames
                    .send((
                        time,
                        std::mem::replace(&mut frame, ffmpeg::frame::Video::empty()),
                    ))
                    .is_err()
                {
                    break; // the hasher stopped on an error, reported below
                }
                n += 1;
            }
            if n > 0 {
                on_frames(n);
            }
        };
        // The packet iterator ends at the end of the file or at a read
        // error; `finish` tells a file cut short from a complete one.
        for (stream, packet) in input.packets() {
            if stream.index() != stream_index {
                continue;
            }
            // A damaged packet is skipped like players do; a file that
            // yields no frame at all is reported below.
            let _ = decoder.send_packet(&packet);
            send(&mut decoder);
        }
        let _ = decoder.send_eof();
        send(&mut decoder);
        drop(frames);
        let out = hasher.join().expect("hashing thread does not panic")?;
        finish(out, clock.end, declared)
    })
}

fn best_video_stream(input: &ffmpeg::format::context::Input) -> Option<ffmpeg::Stream<'_>> {
    input
        .streams()
        .filter(|s| s.parameters().medium() == Type::Video)
        .filter(|s| s.disposition().bits() & ffmpeg::ffi::AV_DISPOSITION_ATTACHED_PIC == 0)
        .max_by_key(|s| {
            let p = s.parameters();
            // SAFETY: reading plain fields of the codec parameters.
            unsafe { (*p.as_ptr()).width as i64 * (*p.as_ptr()).height as i64 }
        })
}

fn declared_duration(input: &ffmpeg::format::context::Input, stream: &ffmpeg::Stream) -> f64 {
    let d = stream.duration();
    if d > 0 {
        return d as f64 * f64::from(stream.time_base());
    }
    let d = input.duration();
    if d > 0 {
        d as f64 / ffmpeg::ffi::AV_TIME_BASE as f64
    } else {
        0.0
    }
}

fn open_decoder(
    stream: &ffmpeg::Stream,
    threads: usize,
) -> Result<ffmpeg::decoder::Video, VideoError> {
    let err = |e: ffmpeg::Error| VideoError::Decoder(e.to_string());
    let mut context =
        ffmpeg::codec::context::Context::from_parameters(stream.parameters()).map_err(err)?;
    context.set_threading(ffmpeg::threading::Config {
        kind: ffmpeg::threading::Type::Frame,
        count: threads.max(1),
        ..Default::default()
    });
    context.decoder().video().map_err(err)
}

/// Times frames on the video's clock.
struct Clock {
    start: i64,
    time_base: f64,
    frame_step: f64,
    last: f64,
    /// End of the last frame shown, in seconds.
    end: f64,
}

impl Clock {
    fn new(start: i64, time_base: f64, frame_rate: f64) -> Self {
        let frame_step = if frame_rate > 1.0 && frame_rate < 1000.0 {
            1.0 / frame_rate
        } else {
            1.0 / 24.0
        };
        Clock {
            start,
            time_base,
            frame_step,
            last: -1.0,
            end: 0.0,
        }
    }

    /// Seconds on the video's clock; frames without a timestamp, or with
    /// one going backwards, follow the previous frame by one frame step.
    fn time_of(&mut self, frame: &ffmpeg::frame::Video) -> f64 {
        let ts = frame.timestamp().or(frame.pts());
        let mut time = match ts {
            Some(ts) => (ts - self.start) as f64 * self.time_base,
            None => self.last + self.frame_step,
        };
        if time <= self.last {
            time = self.last + self.frame_step.min(0.001);
        }
        let time = time.max(0.0);
        self.last = time;
        self.end = self.end.max(time + self.frame_step);
        time
    }
}

/// Hashes frames and keeps one per held drawing.
#[derive(Default)]
struct Hasher {
    scaler: Option<(ffmpeg::software::scaling::Context, ffmpeg::frame::Video)>,
    out: IndexedVideo,
    last_kept: Option<(FrameCode, bool)>,
    last_samples: Vec<u8>,
}

impl Hasher {
    fn add(&mut self, frame: &ffmpeg::frame::Video, time: f64) -> Result<(), VideoError> {
        self.out.decoded_frames += 1;
        if self.is_repeat(frame) {
            return Ok(());
        }
        let gray = self.work_image(frame)?;
        self.keep_or_drop(&gray, time);
        Ok(())
    }

    /// A held drawing repeats the last hashed frame up to codec noise: a sparse
    /// grid of luma samples tells it for a fraction of the cost of hashing.
    fn is_repeat(&mut self, frame: &ffmpeg::frame::Video) -> bool {
        if !has_8bit_luma_plane(frame.format()) {
            return false;
        }
        let (w, h, stride) = (
            frame.width() as usize,
            frame.height() as usize,
            frame.stride(0),
        );
        let plane = frame.data(0);
        let samples: Vec<u8> = (0..REPEAT_GRID.1)
            .flat_map(|j| (0..REPEAT_GRID.0).map(move |i| (i, j)))
            .map(|(i, j)| {
                let (x, y) = (
                    (2 * i + 1) * w / (2 * REPEAT_GRID.0),
                    (2 * j + 1) * h / (2 * REPEAT_GRID.1),
                );
                plane[y * stride + x]
            })
            .collect();
        let repeat = self.last_samples.len() == samples.len()
            && samples
                .iter()
                .zip(&self.last_samples)
                .map(|(&a, &b)| a.abs_diff(b) as u32)
                .sum::<u32>()
                <= samples.len() as u32;
        // Compared with the last hashed frame, not the previous one, so a
        // slow fade or pan adds up until it is hashed again.
        if !repeat {
            self.last_samples = samples;
        }
        repeat
    }

    fn work_image(&mut self, frame: &ffmpeg::frame::Video) -> Result<Gray, VideoError> {
        let (w, h) = (frame.width(), frame.height());
        if has_8bit_luma_plane(frame.format()) {
            let mut gray = Gray::from_plane(frame.data(0), w, h, frame.stride(0));
            if is_video_range(frame) {
                gray.expand_video_range();
            }
            return Ok(gray);
        }
        // swscale converts to grey at full range itself.
        self.scaled_luma(frame, w, h)
    }

    /// Other pixel formats (10-bit, RGB, ...) go through swscale to 8-bit
    /// grey at the work size.
    fn scaled_luma(
        &mut self,
        frame: &ffmpeg::frame::Video,
        w: u32,
        h: u32,
    ) -> Result<Gray, VideoError> {
        let factor = w.div_ceil(shared::gray::WORK_WIDTH).max(1);
        let (ow, oh) = ((w / factor).max(1), (h / factor).max(1));
        let format = frame.format();
        let stale = self.scaler.as_ref().is_none_or(|(s, _)| {
            let i = s.input();
            (i.format, i.width, i.height) != (format, w, h)
        });
        if stale {
            let flags = ffmpeg::software::scaling::Flags::AREA;
            let ctx =
                ffmpeg::software::scaling::Context::get(format, w, h, Pixel::GRAY8, ow, oh, flags)
                    .map_err(|e| VideoError::Decode(format!("cannot convert {format:?}: {e}")))?;
            self.scaler = Some((ctx, ffmpeg::frame::Video::empty()));
        }
        let (ctx, out) = self.scaler.as_mut().expect("scaler set above");
        ctx.run(frame, out)
            .map_err(|e| VideoError::Decode(e.to_string()))?;
        let stride = out.stride(0);
        let data = out.data(0);
        let pixels = (0..oh as usize)
            .flat_map(|y| &data[y * stride..y * stride + ow as usize])
            .copied()
            .collect();
        Ok(Gray::new(ow, oh, pixels).resized_to_work())
    }

    fn keep_or_drop(&mut self, gray: &Gray, time: f64) {
        let d = shared::descriptor::frame_descriptor(gray);
        let flat = d.is_flat();
        let code = if flat { FrameCode::default() } else { d.code };
        let same = match self.last_kept {
            Some((last, last_flat)) => {
                last_flat == flat && (flat || last.distance(code) <= SAME_DRAWING)
            }
            None => false,
        };
        if !same {
            self.out.frames.push((code, (time * 1000.0).round() as u32));
            self.last_kept = Some((code, flat));
        }
    }
}

/// Checks the video was complete and sets its duration.
fn finish(mut out: IndexedVideo, decoded: f64, declared: f64) -> Result<IndexedVideo, VideoError> {
    if out.decoded_frames == 0 {
        return Err(VideoError::Empty);
    }
    // Streams often declare a little more than their last frame; a file
    // cut short stops well before what its container says.
    if declared > 0.0 && decoded < declared * 0.9 - 2.0 {
        return Err(VideoError::Truncated { decoded, declared });
    }
    let duration = if declared > 0.0 {
        declared.max(decoded)
    } else {
        decoded
    };
    out.duration_ms = (duration * 1000.0).round() as u32;
    Ok(out)
}

/// Whether the frame's luma runs from 16 to 235 (video range) rather than
/// 0 to 255: as the stream says, else as its pixel format implies (the
/// "J" formats and grey are full range, other YUV is video range).
fn is_video_range(frame: &ffmpeg::frame::Video) -> bool {
    match frame.color_range() {
        ffmpeg::util::color::Range::MPEG => true,
        ffmpeg::util::color::Range::JPEG => false,
        _ => !matches!(
            frame.format(),
            Pixel::YUVJ420P | Pixel::YUVJ422P | Pixel::YUVJ444P | Pixel::YUVJ440P | Pixel::GRAY8
        ),
    }
}

fn has_8bit_luma_plane(format: Pixel) -> bool {
    matches!(
        format,
        Pixel::YUV420P
            | Pixel::YUVJ420P
            | Pixel::YUV422P
            | Pixel::YUVJ422P
            | Pixel::YUV444P
            | Pixel::YUVJ444P
            | Pixel::YUV440P
            | Pixel::YUVJ440P
            | Pixel::YUV411P
            | Pixel::YUV410P
            | Pixel::NV12
            | Pixel::NV21
            | Pixel::GRAY8
            | Pixel::YUVA420P
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `ffmpeg` with `args`, writing `out`.
    fn ffmpeg(args: &[&str], out: &Path) {
        let mut cmd = testkit::ffmpeg::ffmpeg();
        cmd.args(args).arg(out);
        testkit::ffmpeg::run(cmd, out).unwrap();
    }

    /// The work image of the first frame of `path`, as the indexer makes it.
    fn first_work_image(path: &Path) -> Gray {
        init();
        let mut input = ffmpeg::format::input(path).unwrap();
        let stream = best_video_stream(&input).unwrap();
        let index = stream.index();
        let mut decoder = open_decoder(&stream, 1).unwrap();
        let mut frame = ffmpeg::frame::Video::empty();
        for (stream, packet) in input.packets() {
            if stream.index() == index {
                decoder.send_packet(&packet).unwrap();
                if decoder.receive_frame(&mut frame).is_ok() {
                    break;
                }
            }
        }
        if frame.width() == 0 {
            decoder.send_eof().unwrap();
            decoder.receive_frame(&mut frame).unwrap();
        }
        Hasher::default().work_image(&frame).unwrap()
    }

    /// Video-range, full-range and 10-bit video of one picture give the
    /// indexer the levels a screenshot of it gives the query: black is 0
    /// and white 255 on both sides, not 16 and 235 on one. (The border cut
    /// and the flat test compare absolute levels.)
    #[test]
    fn every_luma_range_gives_the_screenshot_levels() {
        let dir = tempfile::tempdir().unwrap();
        let still = dir.path().join("still.png");
        let picture = "color=c=black:s=640x360,drawbox=x=320:y=0:w=320:h=360:color=white:t=fill,\
                       drawbox=x=0:y=120:w=640:h=120:color=0x808080:t=fill";
        ffmpeg(&["-f", "lavfi", "-i", picture, "-frames:v", "1"], &still);
        let screenshot = Gray::from_rgb(&image::open(&still).unwrap().to_rgb8());
        for pix_fmt in ["yuv420p", "yuvj420p", "yuv420p10le"] {
            let video = dir.path().join(format!("{pix_fmt}.mkv"));
            #[rustfmt::skip]
            ffmpeg(&[
                "-loop", "1", "-i", still.to_str().unwrap(), "-frames:v", "2",
                "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", pix_fmt,
            ], &video);
            let work = first_work_image(&video);
            assert_eq!(
                (work.width, work.height),
                (screenshot.width, screenshot.height)
            );
            let worst = work
                .pixels
                .iter()
                .zip(&screenshot.pixels)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst <= 3, "{pix_fmt}: levels differ by up to {worst}");
        }
    }
}
