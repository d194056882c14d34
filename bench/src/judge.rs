//! When an answer counts as right: the rule `eval` reports and the
//! accuracy test pins, in one place.

use shared::SearchHit;
use testkit::library::Truth;
use testkit::queries::Query;

/// Right (matching.md): the video and a time inside the returned span or
/// within 1 s of `at`, where content shown in several places (an opening
/// in every episode) is right at any of them.
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
    // The same content elsewhere (an opening in another episode) is right
    // at the same terms: inside the returned span or within 1 s of `at`.
    let equivalent_in_span = q.equivalents.iter().any(|e| {
        &e.video == answer_path
            && (in_span(e.from, e.to) || (e.from - 1.0..=e.to + 1.0).contains(&hit.at))
    });
    (a == v && in_span(q.time, q.time))
        || equivalent_in_span
        || truth.is_right(v, q.time, answer_path, hit.at, 1.0)
}
