//! Frame timing: seconds on the video's clock from each frame's timestamp,
//! and where the last frame shown ends.

use ffmpeg_next as ffmpeg;

/// Frame step assumed when the stream declares no usable frame rate.
const FALLBACK_FRAME_RATE: f64 = 24.0;

/// Times frames on the video's clock.
pub struct Clock {
    start: i64,
    time_base: f64,
    frame_step: f64,
    last: f64,
    /// End of the last frame shown, in seconds.
    end: f64,
}

impl Clock {
    /// The clock of `stream`: times count from its start time, when it has
    /// one.
    pub fn of(stream: &ffmpeg::Stream) -> Self {
        let start = stream.start_time();
        let start = if start == ffmpeg::ffi::AV_NOPTS_VALUE {
            0
        } else {
            start
        };
        Clock::new(
            start,
            f64::from(stream.time_base()),
            f64::from(stream.avg_frame_rate()),
        )
    }

    fn new(start: i64, time_base: f64, frame_rate: f64) -> Self {
        let frame_step = if frame_rate > 1.0 && frame_rate < 1000.0 {
            1.0 / frame_rate
        } else {
            1.0 / FALLBACK_FRAME_RATE
        };
        Clock {
            start,
            time_base,
            frame_step,
            last: -1.0,
            end: 0.0,
        }
    }

    /// Seconds on the video's clock of a decoded frame.
    pub fn time_of(&mut self, frame: &ffmpeg::frame::Video) -> f64 {
        self.time_at(frame.timestamp().or(frame.pts()))
    }

    /// Seconds on the video's clock of timestamp `ts`; frames without a
    /// timestamp, or with one going backwards, follow the previous frame
    /// by one frame step.
    fn time_at(&mut self, ts: Option<i64>) -> f64 {
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

    /// End of the last frame timed so far, in seconds.
    pub fn end(&self) -> f64 {
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-9, "{got} s, not {want} s");
    }

    #[test]
    fn timestamps_count_from_the_stream_start() {
        let mut clock = Clock::new(1000, 0.001, 25.0);
        assert_close(clock.time_at(Some(1000)), 0.0);
        assert_close(clock.time_at(Some(3000)), 2.0);
        assert_close(clock.end(), 2.04);
    }

    #[test]
    fn missing_or_backward_timestamps_follow_the_previous_frame() {
        let mut clock = Clock::new(0, 0.001, 25.0);
        assert_close(clock.time_at(Some(1000)), 1.0);
        assert_close(clock.time_at(None), 1.04);
        assert_close(clock.time_at(Some(500)), 1.041);
    }

    #[test]
    fn an_unusable_frame_rate_steps_at_24_frames_a_second() {
        let mut clock = Clock::new(0, 0.001, 0.0);
        assert_close(clock.time_at(Some(0)), 0.0);
        assert_close(clock.time_at(None), 1.0 / 24.0);
    }
}
