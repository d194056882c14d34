//! The operator commands (`server credits ...`, `server users ...`,
//! `server migrate-db`) as clap parses them; `admin.rs` runs them.

use clap::Subcommand;

/// Operator commands, run on the server host against the database.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Purchased credits of a user.
    #[command(subcommand)]
    Credits(CreditsCommand),
    /// Accounts: list them, disable or re-enable one.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Copy every row of an SQLite database into a new, empty PostgreSQL
    /// one, in one transaction (docs/operations.md, "Moving to PostgreSQL").
    MigrateDb(MigrateDbArgs),
}

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Add purchased credits to a user's balance.
    Grant {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        email: String,
        #[arg(long, allow_negative_numbers = true)]
        amount: i64,
    },
    /// Show a user's free credits today, purchased credits and hourly use.
    Show {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Every user, oldest first.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Disable an account: sign-in refused, sessions ended, API keys refused.
    Disable {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        email: String,
    },
    /// Re-enable a disabled account.
    Enable {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        email: String,
    },
}

/// The database an operator command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArg {
    /// The server's database (must exist): an SQLite file or a
    /// `postgres://` URL.
    #[arg(long, env = "SERVER_DATABASE", default_value = "data/server.db",
          value_parser = super::parse_database, hide_env_values = true)]
    pub database: accounts::db::Target,
}

/// `server migrate-db --from server.db --to postgres://...`.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateDbArgs {
    /// The SQLite file the server has used so far; read, never changed.
    #[arg(long, value_parser = super::parse_database)]
    pub from: accounts::db::Target,
    /// The new PostgreSQL database, as a `postgres://` URL: its schema is
    /// created, and it must hold no rows. The environment variable keeps
    /// the password out of `ps`.
    #[arg(long, env = "SERVER_MIGRATE_TO", value_parser = super::parse_database,
          hide_env_values = true)]
    pub to: accounts::db::Target,
}
