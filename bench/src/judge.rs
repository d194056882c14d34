//! When an answer counts as right: the rule `eval` reports and the
//! accuracy test pins, in one place.

use shared::SearchHit;
use testkit::library::Truth;
use testkit::queries::Query;

/// Right: the same content (any episode, for a repeated opening), or the
/// same video with the time inside the returned span or within 1 s; for
/// content shown in several places, any of them inside the span.
pub fn is_right(truth: &Truth, q: &Query, hit: &SearchHit) -> bool {
    let Some(v) = truth.video(&q.video) else {
        return false;
    };
    let answer = truth
        .videos
        .iter()
        .position(|tv| tv.path.ends_with(&hit.filename));
    let Some(a) = answer else { return false };
    let answer_path = &truth.videos[a].path;
    let in_span = |from: f64, to: f64| from <= hit.to + 0.05 && to >= hit.from - 0.05;
    let equivalent_in_span = q
        .equivalents
        .iter()
        .any(|e| &e.video == answer_path && in_span(e.from, e.to));
    (a == v && in_span(q.time, q.time))
        || equivalent_in_span
        || truth.is_right(v, q.time, answer_path, hit.at, 1.0)
}
