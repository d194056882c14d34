//! Decodes one video with FFmpeg and turns it into kept frames: every
//! frame is timed (`clock`), reduced to the work image straight from its
//! luma plane (`pixels`), hashed, and dropped when it looks the same as the
//! last kept frame (`keep`: held drawings), so each kept frame stands for
//! the time span until the next. This file is the FFmpeg plumbing: streams,
//! the decoder, the send-packet/receive-frame loop and the hashing thread.

mod clock;
mod keep;
mod pixels;

use clock::Clock;
use ffmpeg::media::Type;
use ffmpeg_next as ffmpeg;
use keep::Hashed;
use pixels::WorkImages;
use shared::Gray;
use shared::descriptor::{frame_descriptor, inner_descriptor};
use shared::index::KeptFrame;
use std::path::Path;

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
    /// A bug met by this file only; the build goes on without it.
    #[error("the indexer panicked on this file: {0}")]
    Panicked(String),
}

/// What indexing one video produced.
#[derive(Debug, Default)]
pub struct IndexedVideo {
    /// Kept frames: codes (zero when flat) and start time in ms.
    pub frames: Vec<KeptFrame>,
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
    let declared = declared_duration(&input, &stream);
    let mut clock = Clock::of(&stream);
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
        finish(out, clock.end(), declared)
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

/// Seconds the stream, else the container, says the video lasts; 0 when
/// neither says.
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

/// Hashes frames and keeps one per held drawing, by the rules in `keep`.
#[derive(Default)]
struct Hasher {
    work_images: WorkImages,
    out: IndexedVideo,
    last_kept: Option<Hashed>,
    last_samples: Vec<u8>,
}

impl Hasher {
    fn add(&mut self, frame: &ffmpeg::frame::Video, time: f64) -> Result<(), VideoError> {
        self.out.decoded_frames += 1;
        if self.is_repeat(frame) {
            return Ok(());
        }
        let gray = self.work_images.of(frame)?;
        self.keep_or_drop(&gray, time);
        Ok(())
    }

    /// Whether the frame repeats the last hashed one (see `keep::is_repeat`);
    /// only frames with an 8-bit luma plane are sampled.
    fn is_repeat(&mut self, frame: &ffmpeg::frame::Video) -> bool {
        if !pixels::has_8bit_luma_plane(frame.format()) {
            return false;
        }
        let (w, h) = (frame.width() as usize, frame.height() as usize);
        let samples = keep::grid_samples(frame.data(0), w, h, frame.stride(0));
        let repeat = keep::is_repeat(&samples, &self.last_samples);
        // Compared with the last hashed frame, not the previous one, so a
        // slow fade or pan adds up until it is hashed again.
        if !repeat {
            self.last_samples = samples;
        }
        repeat
    }

    fn keep_or_drop(&mut self, gray: &Gray, time: f64) {
        let frame = Hashed::of(&frame_descriptor(gray));
        if keep::keeps(frame, self.last_kept) {
            self.out.frames.push(KeptFrame {
                code: frame.code,
                inner: Hashed::of(&inner_descriptor(gray)).code,
                ms: (time * 1000.0).round() as u32,
            });
            self.last_kept = Some(frame);
        }
    }
}

/// Checks the video was complete and sets its duration.
fn finish(mut out: IndexedVideo, decoded: f64, declared: f64) -> Result<IndexedVideo, VideoError> {
    if out.decoded_frames == 0 {
        return Err(VideoError::Empty);
    }
    if keep::is_truncated(decoded, declared) {
        return Err(VideoError::Truncated { decoded, declared });
    }
    out.duration_ms = (keep::duration(decoded, declared) * 1000.0).round() as u32;
    Ok(out)
}
