//! Closed-loop load: a fixed number of workers, each starting its next
//! request as soon as its last one returned, for a fixed time; and the
//! request the server benchmarks send, a multipart JPEG upload to
//! `POST /api/anime/search` over a kept-alive connection.

use crate::stats::percentile;
use anyhow::Context;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// The path every search is sent to.
pub const SEARCH_PATH: &str = "/api/anime/search";
/// Steps one worker makes at most, however fast they are: the loop ends
/// by count if not by time.
const MAX_STEPS: usize = 1_000_000;
/// A search that takes longer than this counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What a closed loop measured.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// Milliseconds of every step that succeeded.
    pub ms: Vec<f64>,
    /// Steps that failed (for HTTP: any answer but 200, or no answer).
    pub failures: usize,
    /// From the common start to the last worker's last step.
    pub wall: Duration,
}

impl Samples {
    /// Successful steps per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.ms.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile of the latencies in ms (NaN when none).
    pub fn ms_at(&self, p: f64) -> f64 {
        percentile(&self.ms, p).unwrap_or(f64::NAN)
    }
}

/// Runs `step` on `workers` threads until `duration` has passed (or each
/// made `MAX_STEPS`). Each thread first makes its own state with `init`;
/// all start timing together once every state is ready. A step that
/// returns an error is counted as a failure and its first error per
/// worker printed.
pub fn closed_loop<S, I, F>(
    workers: usize,
    duration: Duration,
    init: I,
    step: F,
) -> anyhow::Result<Samples>
where
    I: Fn() -> anyhow::Result<S> + Sync,
    F: Fn(&mut S) -> anyhow::Result<()> + Sync,
{
    let ready = Barrier::new(workers);
    let results: Vec<anyhow::Result<Run>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let state = init();
                    ready.wait();
                    let mut state = state?;
                    let start = Instant::now();
                    let (ms, failures) = worker(&mut state, start + duration, &step);
                    Ok(Run {
                        ms,
                        failures,
                        start,
                        end: Instant::now(),
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect()
    });
    let runs = results.into_iter().collect::<anyhow::Result<Vec<Run>>>()?;
    let start = runs.iter().map(|r| r.start).min();
    let end = runs.iter().map(|r| r.end).max();
    Ok(Samples {
        ms: runs.iter().flat_map(|r| r.ms.iter().copied()).collect(),
        failures: runs.iter().map(|r| r.failures).sum(),
        wall: end.zip(start).map_or(Duration::ZERO, |(e, s)| e - s),
    })
}

/// What one worker did, and when.
struct Run {
    ms: Vec<f64>,
    failures: usize,
    start: Instant,
    end: Instant,
}

/// One worker's loop: latencies of the steps that succeeded, failures.
fn worker<S>(
    state: &mut S,
    deadline: Instant,
    step: &impl Fn(&mut S) -> anyhow::Result<()>,
) -> (Vec<f64>, usize) {
    let mut ms = Vec::new();
    let mut failures = 0;
    for _ in 0..MAX_STEPS {
        let started = Instant::now();
        if started >= deadline {
            break;
        }
        match step(state) {
            Ok(()) => ms.push(started.elapsed().as_secs_f64() * 1000.0),
            Err(e) => {
                if failures == 0 {
                    eprintln!("load: a step failed: {e:#}");
                }
                failures += 1;
            }
        }
    }
    (ms, failures)
}

/// A JPEG as the body of a multipart form with one field, `image`: built
/// once, so the load generator does not re-encode it per request.
pub struct Upload {
    content_type: String,
    body: Vec<u8>,
}

impl Upload {
    pub fn jpeg(image: &[u8]) -> Upload {
        let boundary = "bench-server-boundary-7f3a9c";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; \
filename=\"screenshot.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(image);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Upload {
            content_type: format!("multipart/form-data; boundary={boundary}"),
            body,
        }
    }
}

impl Upload {
    /// The `Content-Type` the body needs (with its boundary).
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The multipart body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// One kept-alive connection to a server's search.
pub struct SearchClient {
    client: reqwest::blocking::Client,
    url: String,
}

impl SearchClient {
    /// A client of the search at `base` (`http://HOST:PORT`).
    pub fn new(base: &str) -> anyhow::Result<SearchClient> {
        let client = reqwest::blocking::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .pool_max_idle_per_host(1)
            .build()
            .context("building the HTTP client")?;
        Ok(SearchClient {
            client,
            url: format!("{base}{SEARCH_PATH}"),
        })
    }

    /// Sends `upload`; the answer's status and body.
    pub fn send(&self, upload: &Upload) -> anyhow::Result<(u16, String)> {
        let answer = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, &upload.content_type)
            .body(upload.body.clone())
            .send()
            .with_context(|| format!("POST {}", self.url))?;
        let status = answer.status().as_u16();
        Ok((status, answer.text()?))
    }

    /// Sends `upload` and fails unless the answer is a 200.
    pub fn search(&self, upload: &Upload) -> anyhow::Result<String> {
        let (status, body) = self.send(upload)?;
        anyhow::ensure!(status == 200, "HTTP {status}: {body}");
        Ok(body)
    }
}
