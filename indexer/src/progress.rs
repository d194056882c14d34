//! How a build reports progress: bars on a terminal, plain log lines when
//! output goes to a file or cron mail, only problems with `--quiet`.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

/// Events of a build, called from several threads.
pub trait Progress: Sync {
    fn start(&self, to_decode: usize, to_reuse: usize);
    fn frames(&self, n: u64);
    fn video_done(&self, path: &str, outcome: &str);
    fn problem(&self, path: &str, message: &str);
    fn finish(&self);
}

/// Picks bars, log lines or silence.
pub fn for_output(quiet: bool) -> Box<dyn Progress> {
    if quiet {
        Box::new(Quiet)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bars::new())
    } else {
        Box::new(Lines::new())
    }
}

/// Nothing at all, for callers that report by themselves (benchmarks).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize, _: usize) {}
    fn frames(&self, _: u64) {}
    fn video_done(&self, _: &str, _: &str) {}
    fn problem(&self, _: &str, _: &str) {}
    fn finish(&self) {}
}

/// Problems only: what cron should mail.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: usize, _: usize) {}
    fn frames(&self, _: u64) {}
    fn video_done(&self, _: &str, _: &str) {}
    fn problem(&self, path: &str, message: &str) {
        eprintln!("indexer: {path}: {message}");
    }
    fn finish(&self) {}
}

/// One line per finished video, with a running count.
pub struct Lines {
    started: Instant,
    counts: Mutex<(usize, usize)>, // done, total
}

impl Lines {
    fn new() -> Self {
        Lines {
            started: Instant::now(),
            counts: Mutex::new((0, 0)),
        }
    }
}

impl Progress for Lines {
    fn start(&self, to_decode: usize, to_reuse: usize) {
        self.counts.lock().expect("not poisoned").1 = to_decode;
        eprintln!("indexer: {to_decode} videos to decode, {to_reuse} unchanged");
    }
    fn frames(&self, _: u64) {}
    fn video_done(&self, path: &str, outcome: &str) {
        let mut c = self.counts.lock().expect("not poisoned");
        c.0 += 1;
        let secs = self.started.elapsed().as_secs_f64();
        eprintln!("indexer: [{}/{}] {path}: {outcome} ({secs:.1} s)", c.0, c.1);
    }
    fn problem(&self, path: &str, message: &str) {
        eprintln!("indexer: warning: {path}: {message}");
    }
    fn finish(&self) {}
}

/// indicatif bars: videos with ETA, and decoded frames per second.
pub struct Bars {
    multi: MultiProgress,
    videos: ProgressBar,
    frames: ProgressBar,
}

impl Bars {
    fn new() -> Self {
        let multi = MultiProgress::new();
        let videos = multi.add(ProgressBar::new(0));
        videos.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} videos  {elapsed} elapsed, ETA {eta}",
            )
            .expect("valid template"),
        );
        let frames = multi.add(ProgressBar::new_spinner());
        frames.set_style(
            ProgressStyle::with_template("{spinner} {human_pos} frames decoded, {per_sec}")
                .expect("valid template"),
        );
        Bars {
            multi,
            videos,
            frames,
        }
    }
}

impl Progress for Bars {
    fn start(&self, to_decode: usize, _: usize) {
        self.videos.set_length(to_decode as u64);
    }
    fn frames(&self, n: u64) {
        self.frames.inc(n);
    }
    fn video_done(&self, path: &str, outcome: &str) {
        self.videos.inc(1);
        let _ = self.multi.println(format!("{path}: {outcome}"));
    }
    fn problem(&self, path: &str, message: &str) {
        let _ = self.multi.println(format!("warning: {path}: {message}"));
    }
    fn finish(&self) {
        self.videos.finish_and_clear();
        self.frames.finish_and_clear();
    }
}
