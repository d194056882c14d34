//! Clients that send part of a body and stall cannot hold the server: the
//! server keeps answering others meanwhile, and each stalled request is
//! refused at the body deadline and its connection closed.

use e2e::{Server, client, footage};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A search upload that announces a megabyte, sends three bytes and stalls.
fn stalled(base: &str) -> TcpStream {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).unwrap();
    let head = format!(
        "POST /api/anime/search HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&[0xff, 0xd8, 0xff]).unwrap();
    s
}

#[test]
fn stalled_bodies_are_cut_off_and_the_server_keeps_answering() {
    let server = Server::start_with(&footage().index, &["--body-timeout-secs", "2"]);
    let started = Instant::now();
    let stalls: Vec<TcpStream> = (0..64).map(|_| stalled(&server.base)).collect();
    let health = client().get(format!("{}/api/health", server.base)).send();
    assert_eq!(health.unwrap().status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "health waited for the stalled bodies"
    );
    for mut stall in stalls {
        stall
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut answer = String::new();
        stall
            .read_to_string(&mut answer)
            .expect("the server closes a stalled connection");
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(answer.contains("did not arrive within 2 s"), "{answer}");
    }
    assert!(started.elapsed() >= Duration::from_secs(2));
}
