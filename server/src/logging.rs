//! Where the server's log lines go and how they look: plain text (colour
//! only on a terminal and without `NO_COLOR`) or one JSON object per line
//! for log shippers, at the level the operator asks for.

use clap::ValueEnum;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Log settings, from flags or their environment variables.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LogArgs {
    /// `text` (colour on a terminal unless NO_COLOR is set) or `json`
    /// (one object per line).
    #[arg(long, env = "SERVER_LOG_FORMAT", value_enum, default_value_t)]
    pub log_format: LogFormat,
    /// Level or filter (`info`, `warn`, `server=debug,info`); without it,
    /// RUST_LOG, else `info`.
    #[arg(long, env = "SERVER_LOG_LEVEL")]
    pub log_level: Option<String>,
}

/// Installs the global subscriber; stderr gets every line.
pub fn init(args: &LogArgs) -> anyhow::Result<()> {
    let filter = match &args.log_level {
        Some(level) => {
            EnvFilter::try_new(level).map_err(|e| anyhow::anyhow!("--log-level {level:?}: {e}"))?
        }
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.with_ansi(colour()).init(),
    }
    Ok(())
}

/// Colour only for a person at a terminal who has not asked for none.
fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
