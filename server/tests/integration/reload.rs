//! Index reload: a new index renamed into place is served without a
//! restart and without failing requests; a bad one is refused and the old
//! one kept; a missing one is waited for.

use crate::support::*;
use actix_web::test::TestRequest;
use actix_web::web;
use serde_json::json;
use server::index_holder::Reload;
use server::{AppState, create_app};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Runs the real server on a free port in its own thread.
fn serve(state: web::Data<AppState>) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || create_app(state.clone()))
                .workers(2)
                .disable_signals()
                .bind("127.0.0.1:0")
                .expect("bind");
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).expect("send");
            server.await
        })
    });
    rx.recv().expect("server started")
}

/// Posts picture 2 until `stop`, returning (status, episode) per answer;
/// `answered` counts them as they come.
fn search_loop(
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
) -> Vec<(u16, u64)> {
    let client = reqwest::blocking::Client::new();
    let shot = jpeg(2);
    let mut answers = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let form = reqwest::blocking::multipart::Form::new().part(
            "image",
            reqwest::blocking::multipart::Part::bytes(shot.clone()).file_name("s.jpg"),
        );
        let res = client
            .post(format!("http://{addr}/api/anime/search"))
            .multipart(form)
            .send();
        let (status, episode) = match res {
            Ok(r) => {
                let status = r.status().as_u16();
                let body: serde_json::Value = r.json().unwrap_or_default();
                (status, body["result"][0]["episode"].as_u64().unwrap_or(0))
            }
            Err(_) => (0, 0),
        };
        answers.push((status, episode));
        answered.fetch_add(1, Ordering::Relaxed);
    }
    answers
}

/// Waits until every client's count of answers reaches `at_least` (at
/// most 60 s: a loaded machine answers slowly, but answers).
fn wait_for(answered: &[Arc<AtomicUsize>], at_least: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let fewest = || answered.iter().map(|a| a.load(Ordering::Relaxed)).min();
    while fewest().unwrap_or(0) < at_least && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn swaps_in_a_renamed_index_without_failing_a_request() {
    let mut f = Fixture::new();
    f.config.guest_daily_limit = None;
    f.config.index_poll = Duration::from_millis(50);
    let state = f.state();
    let _watcher = state.index.watch(f.config.index_poll);
    let (addr, handle) = serve(state);
    let stop = Arc::new(AtomicBool::new(false));
    let answered: Vec<_> = (0..3).map(|_| Arc::new(AtomicUsize::new(0))).collect();
    let clients: Vec<_> = answered
        .iter()
        .map(|count| {
            let (stop, count) = (stop.clone(), count.clone());
            std::thread::spawn(move || search_loop(addr, stop, count))
        })
        .collect();
    // Every client has an answer from the old index before the swap, and
    // several from the new one after it, however slow the machine.
    wait_for(&answered, 1);
    write_index(&f.config.index, 2);
    std::thread::sleep(Duration::from_millis(300));
    let swapped = answered.iter().map(|a| a.load(Ordering::Relaxed)).max();
    wait_for(&answered, swapped.unwrap_or(0) + 3);
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        let answers = client.join().expect("client");
        assert!(
            answers.iter().all(|&(status, _)| status == 200),
            "{answers:?}"
        );
        let episodes: Vec<u64> = answers.iter().map(|a| a.1).collect();
        let old = episodes.iter().filter(|&&e| e == 1).count();
        assert!(old >= 1 && episodes.len() - old >= 2, "{episodes:?}");
        assert_eq!(episodes.first(), Some(&1), "{episodes:?}");
        assert_eq!(episodes.last(), Some(&2), "{episodes:?}");
        assert!(
            episodes.is_sorted(),
            "never back to the old index: {episodes:?}"
        );
    }
    actix_web::rt::System::new().block_on(handle.stop(true));
}

#[actix_web::test]
async fn keeps_the_old_index_when_the_new_one_is_bad() {
    let f = Fixture::new();
    let state = f.state();
    let app = app(state.clone()).await;
    let tmp = f.config.index.with_extension("tmp");
    std::fs::write(&tmp, b"ANISCNIX but then nothing useful").unwrap();
    std::fs::rename(&tmp, &f.config.index).unwrap();
    let why = format!(
        "{}: index is corrupt: file is shorter than its header; rebuild it with `indexer build LIBRARY -o {0}`",
        f.config.index.display()
    );
    assert_eq!(state.index.reload(false), Reload::Failed(why.clone()));
    let (status, body, _) = call(&app, upload(&jpeg(2)), "192.0.2.1").await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(2, 1)]))
    );
    let (_, body, _) = call(&app, TestRequest::get().uri("/api/health"), "192.0.2.1").await;
    assert_eq!(
        (body["status"].clone(), body["index"]["loaded"].clone()),
        (json!("degraded"), json!(true))
    );
    let name = f.config.index.file_name().unwrap().to_string_lossy();
    let full = f.config.index.display().to_string();
    assert_eq!(body["index"]["problem"], json!(why.replace(&full, &name)));
    assert_eq!(
        state.index.reload(false),
        Reload::Unchanged,
        "a refused file is not retried"
    );
    write_index(&f.config.index, 3);
    assert_eq!(state.index.reload(false), Reload::Loaded);
    let (status, body, _) = call(&app, upload(&jpeg(2)), "192.0.2.1").await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(2, 3)]))
    );
}

/// A part file (`indexer build --part`) holds a share of the library:
/// serving it would miss every other share, so it is refused like a bad
/// file, with the way out.
#[actix_web::test]
async fn a_part_file_is_refused_and_the_whole_index_kept() {
    let f = Fixture::new();
    let state = f.state();
    let part = shared::index::Part {
        share: 2,
        of: 3,
        library: 7,
    };
    let tmp = f.config.index.with_extension("tmp");
    let anime = [testkit::synthetic::anime(1, "Alpha")];
    let video = testkit::synthetic::video("Alpha/Alpha - 01.mkv", 0, 1);
    let frames = vec![(testkit::synthetic::frame_code(1), 0)];
    testkit::synthetic::write_part(&tmp, &anime, &[(video, frames)], part).unwrap();
    std::fs::rename(&tmp, &f.config.index).unwrap();
    let why = format!(
        "{}: this is part 2 of 3 of a library, not a whole index: merge the parts with `indexer merge PART... -o {0}`",
        f.config.index.display()
    );
    assert_eq!(state.index.reload(false), Reload::Failed(why));
    let app = app(state.clone()).await;
    let (status, body, _) = call(&app, upload(&jpeg(2)), "192.0.2.1").await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(2, 1)])),
        "the whole index stays in service"
    );
}

#[actix_web::test]
async fn starts_without_an_index_and_loads_it_when_it_appears() {
    let f = Fixture::without_index();
    let state = f.state();
    let watcher = state.index.watch(Duration::from_secs(3600));
    let app = app(state.clone()).await;
    let (status, _, _) = call(&app, upload(&jpeg(1)), "192.0.2.1").await;
    assert_eq!(status, 503);
    write_index(&f.config.index, 1);
    watcher.trigger();
    let deadline = Instant::now() + Duration::from_secs(5);
    while state.index.current().is_none() && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, body, _) = call(&app, upload(&jpeg(1)), "192.0.2.1").await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(1, 1)]))
    );
}

/// Truncating the mapped file in place (instead of renaming a new one over
/// it) would make the next search that reads past the cut die of SIGBUS:
/// the server stops serving that mapping at its next look at the file.
#[actix_web::test]
async fn an_index_truncated_in_place_is_no_longer_served() {
    let f = Fixture::new();
    let state = f.state();
    let app = app(state.clone()).await;
    assert!(state.index.current().is_some());
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&f.config.index)
        .unwrap();
    file.set_len(200).unwrap();
    drop(file);
    assert!(matches!(state.index.reload(false), Reload::Failed(_)));
    assert!(
        state.index.current().is_none(),
        "the cut mapping is dropped"
    );
    let (status, body, _) = call(&app, upload(&jpeg(2)), "192.0.2.1").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "INDEX_UNAVAILABLE", "{body}");
}
