//! `just bench-db`: the charge-and-log transaction of a search on SQLite
//! and on PostgreSQL (see `bench::db_cost`). Prints a Markdown section and,
//! with `--write`, puts it into docs/BENCHMARKS.md.

use accounts::Target;
use bench::db_cost::{EngineCost, measure};
use bench::report::{machine, markers, today, write_section};
use bench::stats::percentile;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "What the database costs a search: SQLite against PostgreSQL")]
struct Args {
    /// Searches timed one at a time, and again spread over --threads users.
    #[arg(long, default_value_t = 2000)]
    searches: usize,
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// An empty PostgreSQL database to measure in; without it a fresh
    /// schema on TEST_POSTGRES_URL (scripts/with-postgres.sh starts one).
    #[arg(long)]
    postgres: Option<String>,
    /// Replace the database section of this Markdown file.
    #[arg(long)]
    write: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.searches >= 10, "--searches must be at least 10");
    anyhow::ensure!(
        (1..=64).contains(&args.threads),
        "--threads must be 1 to 64"
    );
    let dir = tempfile::tempdir()?;
    let sqlite = Target::Sqlite(dir.path().join("bench.db"));
    let postgres = Target::parse(
        &args
            .postgres
            .clone()
            .unwrap_or_else(testkit::database::postgres),
    );
    anyhow::ensure!(
        postgres.engine() == accounts::db::Engine::Postgres,
        "--postgres must be a postgres:// URL"
    );
    let costs = [
        measure("SQLite (file, WAL)", &sqlite, args.searches, args.threads)?,
        measure(
            "PostgreSQL 15 (same machine, TCP)",
            &postgres,
            args.searches,
            args.threads,
        )?,
    ];
    let command = format!(
        "just bench-db --searches {} --threads {}",
        args.searches, args.threads
    );
    let section = render(&costs, &command);
    println!("{section}");
    if let Some(path) = &args.write {
        write_section(path, "database", &section)?;
        eprintln!("wrote the database section of {}", path.display());
    }
    Ok(())
}

fn render(costs: &[EngineCost], command: &str) -> String {
    let (begin, end) = markers("database");
    let reference = costs[0].serial_ms.iter().sum::<f64>() / costs[0].serial_ms.len() as f64;
    let mut rows = String::new();
    for c in costs {
        let p = |q| percentile(&c.serial_ms, q).unwrap_or(0.0);
        let mean = c.serial_ms.iter().sum::<f64>() / c.serial_ms.len() as f64;
        rows.push_str(&format!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2}x | {:.0} |\n",
            c.engine,
            p(50.0),
            p(99.0),
            mean,
            mean / reference,
            c.concurrent_per_s
        ));
    }
    format!(
        "{begin}
## Database: what a search costs on SQLite and on PostgreSQL

`{command}`, {date}, {machine}, release build. Each timed search is what
the server does around a successful search of a signed-in user: the quota
pre-check, then one write transaction that charges it (free daily credit
or purchased credit, the rolling hour) and writes its log record with five
results. \"One at a time\" is one caller; \"at once\" is {threads} users
searching together, each on its own connection (SQLite serialises the
writers with `BEGIN IMMEDIATE`; PostgreSQL runs them `SERIALIZABLE` and
re-runs the losers of a race). The reference is SQLite in the same run.
Neither waits for the disk at commit: SQLite runs WAL with
`synchronous=NORMAL`, and the throwaway PostgreSQL of
`scripts/with-postgres.sh` runs with `fsync=off`; a production PostgreSQL
with `fsync` adds the disk's flush time to each commit. Most of
PostgreSQL's cost is round trips: five statements per search (the usage
query before the search and again in the transaction, the purchased credit
spent, the charge, the record) plus the transaction's begin and commit,
each a message to the server and back.

| engine | p50 ms, one at a time | p99 ms | mean ms | mean vs SQLite | searches/s at once |
|---|---|---|---|---|---|
{rows}
The search itself (decode, hypotheses, index) costs 1–10 ms more on the
same machine (\"Server\" above), so the database is a small share of a
search on either engine.
{end}
",
        date = today(),
        machine = machine(),
        threads = costs[0].threads,
    )
}
