//! From a decoded frame's pixels to the work image: which pixel formats
//! carry an 8-bit luma plane to read directly, whether its luma is video
//! range (stretched to full range, as a screenshot's is), and swscale for
//! every other format.

use super::VideoError;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;
use shared::Gray;

/// Makes work images of frames, keeping the swscale context of the last
/// frame format that needed one.
#[derive(Default)]
pub struct WorkImages {
    scaler: Option<(scaling::Context, ffmpeg::frame::Video)>,
}

impl WorkImages {
    /// The frame's work image: 8-bit luma at full range, `WORK_WIDTH` wide.
    pub fn of(&mut self, frame: &ffmpeg::frame::Video) -> Result<Gray, VideoError> {
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
            let ctx =
                scaling::Context::get(format, w, h, Pixel::GRAY8, ow, oh, scaling::Flags::AREA)
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

/// Whether plane 0 of `format` is 8-bit luma, one byte a pixel.
pub fn has_8bit_luma_plane(format: Pixel) -> bool {
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
    use super::super::{best_video_stream, init, open_decoder};
    use super::*;
    use std::path::Path;

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
        WorkImages::default().of(&frame).unwrap()
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
