//! The load generator against a stub HTTP server on loopback that answers
//! every third search with a 500: every request is counted once, as a
//! latency or as a failure, over kept-alive connections, and each carries
//! the JPEG as the `image` field of a multipart form.

use bench::load::{SEARCH_PATH, SearchClient, Upload, closed_loop};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the stub saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    connections: AtomicUsize,
    well_formed: AtomicUsize,
}

const JPEG: &[u8] = b"\xff\xd8 not really a JPEG \xff\xd9";

#[test]
fn every_search_is_counted_once_as_an_answer_or_a_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: &'static Seen = Box::leak(Box::default());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.connections.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(stream.unwrap(), seen));
        }
    });
    let upload = Upload::jpeg(JPEG);
    let samples = closed_loop(
        2,
        Duration::from_millis(300),
        || SearchClient::new(&base),
        |client| client.search(&upload).map(|_| ()),
    )
    .unwrap();
    let requests = seen.requests.load(Ordering::SeqCst);
    assert!(requests >= 10, "only {requests} requests in 300 ms");
    assert_eq!(samples.ms.len() + samples.failures, requests);
    assert_eq!(samples.failures, requests / 3);
    assert_eq!(seen.well_formed.load(Ordering::SeqCst), requests);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2, "one per worker");
    assert!(samples.wall >= Duration::from_millis(300));
    assert!(samples.per_second() > 0.0);
}

/// Answers requests on one connection until the client closes it: every
/// third one (over all connections) with a 500.
fn serve(stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    while let Some(body) = read_request(&mut reader) {
        if is_upload(&body) {
            seen.well_formed.fetch_add(1, Ordering::SeqCst);
        }
        let n = seen.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let status = if n.is_multiple_of(3) {
            "500 Oops"
        } else {
            "200 OK"
        };
        let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\n\r\n{{}}");
        std::thread::sleep(Duration::from_millis(5));
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// The body of the next `POST` to the search path, `None` at the end.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    if !line.starts_with(&format!("POST {SEARCH_PATH} ")) {
        return None;
    }
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// A multipart form whose one field, `image`, holds `JPEG`.
fn is_upload(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let jpeg = String::from_utf8_lossy(JPEG);
    text.starts_with("--")
        && text.contains("Content-Disposition: form-data; name=\"image\"")
        && text.contains(&format!("\r\n\r\n{jpeg}\r\n--"))
        && text.ends_with("--\r\n")
}
