//! Requests the HTTP/1 parser refuses before any route still get the JSON
//! error body, from the real server over a raw socket.

use e2e::{Server, footage};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends `request` as raw bytes; the status and the JSON body.
fn raw(server: &Server, request: &[u8]) -> (u16, serde_json::Value) {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{text}"));
    let status = head[9..12].parse().unwrap();
    assert!(head.contains("content-type: application/json"), "{head}");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, json)
}

#[test]
fn parser_refusals_answer_with_the_json_error_body() {
    let server = Server::start_with(&footage().index, &[]);
    let long_query = [
        b"GET /api/health?".as_slice(),
        &vec![b'a'; 70_000],
        b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    .concat();
    let (status, body) = raw(&server, &long_query);
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("MALFORMED_REQUEST"))
    );
    let (status, body) = raw(&server, b"GET /api/h\xe9alth HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("MALFORMED_REQUEST"))
    );
    let headers: Vec<u8> = (0..400)
        .flat_map(|i| format!("X-H{i}: v\r\n").into_bytes())
        .collect();
    let many = [
        b"GET /api/health HTTP/1.1\r\nHost: x\r\n".as_slice(),
        &headers,
        b"\r\n",
    ]
    .concat();
    let (status, body) = raw(&server, &many);
    assert_eq!(
        (status, body["code"].as_str()),
        (431, Some("REQUEST_HEAD_TOO_LARGE"))
    );
    let (status, body) = raw(&server, b"GET /api/health HTTP/1.1\r\nHost: x\r\n");
    assert_eq!(
        (status, body["code"].as_str()),
        (408, Some("REQUEST_TIMEOUT"))
    );
    // A good request on the same server is untouched.
    let (status, body) = raw(
        &server,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
}
