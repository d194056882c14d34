//! Operator commands (`server credits ...`, `server users ...`,
//! `server migrate-db`): act on the database through the `accounts` crate
//! (or `store::copy`) and print what they did.

use crate::clock::SystemClock;
use crate::config::{Command, CreditsCommand, DatabaseArg, MigrateDbArgs, UsersCommand};
use crate::store::Store;
use accounts::db::Target;
use anyhow::Context;
use std::io::Write;

/// Runs one operator command, writing its report to `out`.
pub fn run(command: &Command, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Command::Credits(CreditsCommand::Grant { db, email, amount }) => {
            let balance = accounts::grant_credits(&open(db)?.get(), &SystemClock, email, *amount)?;
            writeln!(
                out,
                "granted {amount} credits to {email}; balance: {balance}"
            )?;
        }
        Command::Credits(CreditsCommand::Show { db, email }) => {
            let (user, summary) = accounts::show_credits(&open(db)?.get(), &SystemClock, email)?;
            let mut report = serde_json::to_value(&summary)?;
            report["email"] = user.email.into();
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
        Command::Users(UsersCommand::List { db }) => {
            let users = accounts::list_users(&open(db)?.get())?;
            writeln!(
                out,
                "{:<32}  {:<24}  {:>8}  status",
                "email", "created", "credits"
            )?;
            for u in users {
                let status = if u.disabled { "disabled" } else { "active" };
                let line = format!(
                    "{:<32}  {:<24}  {:>8}  {status}",
                    u.email, u.created_at, u.credits
                );
                writeln!(out, "{line}")?;
            }
        }
        Command::Users(UsersCommand::Disable { db, email }) => {
            accounts::set_disabled(&open(db)?.get(), &SystemClock, email, true)?;
            writeln!(out, "disabled {email}: sessions ended, API keys refused")?;
        }
        Command::Users(UsersCommand::Enable { db, email }) => {
            accounts::set_disabled(&open(db)?.get(), &SystemClock, email, false)?;
            writeln!(out, "enabled {email}")?;
        }
        Command::MigrateDb(args) => migrate_db(args, out)?,
    }
    Ok(())
}

/// Copies the SQLite database into PostgreSQL and prints rows per table.
fn migrate_db(args: &MigrateDbArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let copied = crate::store::copy::migrate_db(&args.from, &args.to)
        .context("migrate-db: nothing was copied")?;
    let (from, to) = (&args.from, &args.to);
    let seconds = copied.elapsed.as_secs_f64();
    writeln!(out, "copied {from} to {to} in {seconds:.1} s:")?;
    for (table, rows) in &copied.tables {
        writeln!(out, "  {table:<16} {rows:>10}")?;
    }
    let total: u64 = copied.tables.iter().map(|(_, rows)| rows).sum();
    writeln!(out, "  {:<16} {total:>10}", "total")?;
    writeln!(
        out,
        "start the server with --database {to}; keep {from} as the backup"
    )?;
    Ok(())
}

/// An existing database only: a mistyped path must not create a new one.
fn open(db: &DatabaseArg) -> anyhow::Result<Store> {
    let target = &db.database;
    if let Target::Sqlite(path) = target {
        anyhow::ensure!(path.is_file(), "{}: no database here", path.display());
    }
    let ours = Store::is_server_database(target)
        .with_context(|| format!("{target}: cannot read it as a database"))?;
    anyhow::ensure!(
        ours,
        "{target}: not this server's database (it has none of the server's tables); nothing was changed"
    );
    Store::open(target, 1).with_context(|| format!("{target}: cannot open"))
}
