//! The accuracy report in the repository keeps the notes `just eval`
//! writes below its tables (`bench/eval-notes.md`), so that a run never
//! loses what was written by hand there.

#[test]
fn the_recorded_report_ends_with_the_notes() {
    let report = include_str!("../../../docs/ACCURACY.md");
    let notes = include_str!("../../eval-notes.md");
    assert!(
        report.ends_with(&format!("\n{notes}")),
        "docs/ACCURACY.md and bench/eval-notes.md differ: edit the notes there, then run just eval"
    );
}
