//! Every request body must arrive within the configured time: a client
//! that sends a few bytes and stalls, or trickles a byte every few seconds,
//! would otherwise hold its connection and the bytes it sent for as long as
//! it liked. Past the deadline, reading the body fails (the handler answers
//! 400 and the connection, its body unread, is closed).

use super::AppState;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::{self, Bytes};
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let has_body = [header::CONTENT_LENGTH, header::TRANSFER_ENCODING]
        .iter()
        .any(|h| req.headers().contains_key(h));
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.config.body_timeout);
    // Requests without a body (most GETs) keep their payload as it is.
    if let (true, Some(limit)) = (has_body, limit) {
        let body = req.take_payload();
        req.set_payload(Payload::Stream {
            payload: Box::pin(Deadline::new(body, limit)),
        });
    }
    next.call(req).await
}

/// A body stream that fails once its deadline has passed.
struct Deadline {
    body: Payload,
    deadline: Pin<Box<Sleep>>,
    limit: Duration,
}

impl Deadline {
    fn new(body: Payload, limit: Duration) -> Self {
        Deadline {
            body,
            deadline: Box::pin(sleep(limit)),
            limit,
        }
    }
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.body).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            let why = format!(
                "the request body did not arrive within {} s",
                self.limit.as_secs()
            );
            let e = std::io::Error::new(std::io::ErrorKind::TimedOut, why);
            return Poll::Ready(Some(Err(PayloadError::Io(e))));
        }
        Poll::Pending
    }
}
