//! Operator commands (`server credits ...`, `server users ...`): act on
//! the database through the `accounts` crate and print what they did.

use crate::clock::SystemClock;
use crate::config::{Command, CreditsCommand, DatabaseArg, UsersCommand};
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
    }
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
