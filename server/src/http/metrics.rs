//! The HTTP side of the metrics: a middleware timing every request by its
//! route pattern and status class, and the separate app that serves
//! `GET /metrics` on `--metrics-listen`.

use super::AppState;
use crate::metrics::RouteLabels;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse, web};

/// Times the request (to its response head) under its route pattern.
pub async fn timer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let res = next.call(req).await?;
    if let Some(state) = state {
        let labels = RouteLabels {
            route,
            status: format!("{}xx", res.status().as_u16() / 100),
        };
        let seconds = crate::metrics::seconds_since(started);
        state
            .metrics
            .http_seconds
            .get_or_create(&labels)
            .observe(seconds);
    }
    Ok(res)
}

/// The app of the metrics listener: `GET /metrics` and nothing else.
pub fn create_metrics_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .route("/metrics", web::get().to(metrics))
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let now_ms = state.clock.now_ms();
    let text = web::block(move || state.metrics.render(&state, now_ms)).await;
    match text {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}
