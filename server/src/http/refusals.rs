//! actix-http answers a request it cannot parse (a malformed request line
//! or header, a URI over 64 KB or with a byte a URI may not hold, more
//! than 96 headers, a head that never finishes) by itself, before any
//! application code runs, with the status alone and an empty body. This
//! connection wrapper recognises those answers as they are written (a
//! status of 400 or more whose first header is `content-length: 0`: the
//! application always sends a JSON body with its errors) and writes the
//! same status with the JSON error body instead, so every error a client
//! can get has `{"code","message"}`.

use crate::error::{ApiError, ErrorCode};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose protocol-level refusals get JSON bodies.
pub struct JsonRefusals<T> {
    inner: T,
    /// Bytes of a rewritten answer not yet written to `inner`.
    pending: Vec<u8>,
    written: usize,
}

impl<T> JsonRefusals<T> {
    pub fn new(inner: T) -> Self {
        JsonRefusals {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<T: AsyncWrite + Unpin> JsonRefusals<T> {
    /// Writes what is pending; ready once all of it is written.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonRefusals<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonRefusals<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        match rewrite(buf) {
            Some(answer) => {
                self.pending = answer;
                // The whole of `buf` is taken: its rewrite is pending and
                // is written now or on the next write, flush or shutdown.
                let _ = self.drain(cx)?;
                Poll::Ready(Ok(buf.len()))
            }
            None => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The JSON version of an empty-bodied refusal at the start of `buf`
/// (with whatever followed it), or `None` for anything else.
pub fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    if status < 400 || lines.next()? != "content-length: 0" {
        return None;
    }
    let error = refusal(status);
    let json = serde_json::json!({"code": error.code, "message": error.message}).to_string();
    let mut out = format!(
        "{status_line}\r\ncontent-length: {}\r\ncontent-type: application/json\r\n",
        json.len()
    );
    for line in lines.filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&json);
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&buf[head_end..]);
    Some(bytes)
}

/// What each refusal of the HTTP/1 parser means, in our codes.
fn refusal(status: u16) -> ApiError {
    match status {
        408 => ApiError::new(
            ErrorCode::RequestTimeout,
            "the request line and headers did not arrive within 5 s",
        ),
        431 => ApiError::new(
            ErrorCode::RequestHeadTooLarge,
            "too many or too large headers: at most 96 headers, 128 KB in all",
        ),
        400..=499 => ApiError::new(
            ErrorCode::MalformedRequest,
            "not a valid HTTP/1.1 request: a malformed request line or header, a URI over 64 KB, or a byte a URI may not hold",
        ),
        _ => ApiError::new(
            ErrorCode::InternalError,
            "internal error; see the server log",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn empty_refusals_get_a_json_body_and_the_rest_is_untouched() {
        let canned = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Wed, 02 Dec 2026 19:43:25 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(canned).expect("rewritten")).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert_eq!(
            head,
            format!(
                "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: {}\r\ncontent-type: application/json\r\nconnection: close\r\ndate: Wed, 02 Dec 2026 19:43:25 GMT",
                body.len()
            )
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "REQUEST_HEAD_TOO_LARGE");
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 20\r\ncontent-type: application/json\r\n\r\n{\"code\":\"X\"}";
        assert!(rewrite(ours).is_none());
        assert!(
            rewrite(b"HTTP/1.1 400 Bad Req").is_none(),
            "an unfinished head"
        );
    }
}
