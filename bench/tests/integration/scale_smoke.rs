//! The scale benchmark at 10^6 frames, as a smoke test: it builds the
//! index from small generated footage plus synthetic distractors, runs the
//! bucket search and the exact scan, and prints the table. The numbers are
//! printed, not asserted (timings on a shared CI machine mean little); the
//! full run is `just bench-scale`.

use bench::fixtures::FixtureSize;
use bench::scale::{ScaleOptions, render, run};
use shared::search::Budget;

#[test]
fn scale_benchmark_runs_at_a_million_frames() {
    let dir = tempfile::tempdir().unwrap();
    let opts = ScaleOptions {
        work: dir.path().to_path_buf(),
        sizes: vec![1_000_000],
        fixtures: FixtureSize::small(2, 7),
        server: None,
        server_queries: 0,
        seed: 7,
        budgets: vec![Budget::default()],
        latency_only: false,
        classes: vec![],
    };
    let rows = run(&opts).unwrap();
    println!(
        "{}",
        render(&rows, "cargo test -p bench --test scale_smoke")
    );
    let row = &rows[0];
    assert!(row.frames >= 1_000_000);
    assert!(row.queries > 0 && row.answered > 0);
    assert_eq!(row.variants.len(), 1);
}
