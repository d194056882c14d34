//! `server`: parse flags, open the state, serve until SIGTERM or Ctrl-C
//! (actix drains requests in flight), reload the index on SIGHUP; or run
//! an operator command (`server credits ...`, `server users ...`).

use anyhow::Context;
use clap::Parser;
use server::AppState;
use server::config::{Args, Cli, Config};
use server::index_holder::Watcher;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = server::logging::init(&cli.serve.log) {
        eprintln!("server: {e:#}");
        return ExitCode::FAILURE;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(command) => server::admin::run(command, &mut std::io::stdout().lock()),
        None => serve_with(cli.serve),
    }
}

fn serve_with(args: Args) -> anyhow::Result<()> {
    let config = Config::from_args(args)?;
    let clock = std::sync::Arc::new(server::clock::SystemClock);
    let state = AppState::open(&config, clock).context("cannot open the server state")?;
    let workers = config.workers;
    actix_web::rt::System::new().block_on(serve(config, state, workers))
}

async fn serve(config: Config, state: AppState, workers: usize) -> anyhow::Result<()> {
    let state = actix_web::web::Data::new(state);
    let watcher = state.index.watch(config.index_poll);
    server::store::presence::watch(state.store.clone(), config.index_poll);
    reload_on_sighup(watcher)?;
    let (server, addr) = server::http::listener::bind(config.listen, workers, state.clone())
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    announce(&config, &state, vec![addr]);
    let metrics = config
        .metrics_listen
        .map(|addr| serve_metrics(addr, state.clone()))
        .transpose()?;
    stop_gracefully_on_signals(server.handle(), metrics.as_ref().map(|m| m.handle()))?;
    if let Some(metrics) = metrics {
        actix_web::rt::spawn(metrics);
    }
    server.await.context("server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// The `/metrics` listener: one worker, its own address.
fn serve_metrics(
    addr: std::net::SocketAddr,
    state: actix_web::web::Data<AppState>,
) -> anyhow::Result<actix_web::dev::Server> {
    let server = actix_web::HttpServer::new(move || server::create_metrics_app(state.clone()))
        .workers(1)
        .disable_signals()
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr} for /metrics"))?;
    tracing::info!("metrics at http://{addr}/metrics");
    Ok(server.run())
}

/// SIGTERM and Ctrl-C (SIGINT) both stop accepting and let requests in
/// flight finish (actix on its own treats SIGINT as a forced stop); the
/// metrics listener stops with the main one.
fn stop_gracefully_on_signals(
    handle: actix_web::dev::ServerHandle,
    metrics: Option<actix_web::dev::ServerHandle>,
) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?;
    actix_web::rt::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!("{name}: finishing requests in flight, then stopping");
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        handle.stop(true).await;
    });
    Ok(())
}

/// SIGHUP asks the watcher to reload the index now.
fn reload_on_sighup(watcher: Watcher) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangup = signal(SignalKind::hangup()).context("cannot listen for SIGHUP")?;
    actix_web::rt::spawn(async move {
        while hangup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the index");
            watcher.trigger();
        }
    });
    Ok(())
}

fn announce(config: &Config, state: &AppState, addrs: Vec<std::net::SocketAddr>) {
    let quota = match config.guest_daily_limit {
        Some(n) => format!("{n} searches per UTC day"),
        None => "off (--no-guest-quota)".into(),
    };
    tracing::info!(
        database = %config.database,
        index = %config.index.display(),
        guest_quota = %quota,
        poll = ?config.index_poll,
        "server ready"
    );
    if config.trusted_origins.is_empty() {
        tracing::info!(
            "cookie-authenticated POSTs are accepted from this server's own pages only \
             (--trusted-origin adds other sites' pages)"
        );
    }
    if state.index.current().is_none() {
        tracing::warn!("no index loaded: searches answer 503 INDEX_UNAVAILABLE until one appears");
    }
    for addr in addrs {
        tracing::info!("try: curl -s http://{addr}/api/health");
        tracing::info!("try: curl -s -F \"image=@screenshot.jpg\" http://{addr}/api/anime/search");
    }
}
