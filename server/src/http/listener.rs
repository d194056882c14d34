//! The public listener: actix-web's app served over HTTP/1.1 by
//! actix-server, each connection wrapped in `JsonRefusals` so that even
//! the parser's own refusals answer in JSON. (actix-web's `HttpServer`
//! does the same assembly but offers no way to wrap the connection.)

use super::refusals::JsonRefusals;
use super::{AppState, create_app};
use actix_http::HttpService;
use actix_http::error::DispatchError;
use actix_service::{ServiceFactoryExt, fn_service, map_config};
use actix_web::dev::AppConfig;
use actix_web::web;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a connection may take to send its request head (actix-web's
/// default, and the message of a 408).
const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(5);
const KEEP_ALIVE: Duration = Duration::from_secs(5);
/// Seconds in-flight requests get to finish when the server stops.
pub const SHUTDOWN_SECONDS: u64 = 15;

/// Binds `listen` and returns the server, not yet running (await it), and
/// the address it is bound to.
pub fn bind(
    listen: SocketAddr,
    workers: usize,
    state: web::Data<AppState>,
) -> std::io::Result<(actix_server::Server, SocketAddr)> {
    let listener = std::net::TcpListener::bind(listen)?;
    let addr = listener.local_addr()?;
    let server = actix_server::Server::build()
        .workers(workers)
        .shutdown_timeout(SHUTDOWN_SECONDS)
        .disable_signals()
        .listen("api", listener, move || {
            let app = create_app(state.clone());
            fn_service(|io: actix_web::rt::net::TcpStream| async move {
                let peer = io.peer_addr().ok();
                let _ = io.set_nodelay(true);
                Ok::<_, DispatchError>((JsonRefusals::new(io), peer))
            })
            .and_then(
                HttpService::build()
                    .keep_alive(KEEP_ALIVE)
                    .client_request_timeout(REQUEST_HEAD_TIMEOUT)
                    .local_addr(addr)
                    .h1(map_config(app, |_| AppConfig::default())),
            )
        })?
        .run();
    Ok((server, addr))
}
