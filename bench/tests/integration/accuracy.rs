//! Pins every screenshot distortion class: a small generated library is
//! indexed and a handful of distorted screenshots per class must find
//! their scene, and screenshots of a library that is not indexed must not
//! come back confident. The full numbers come from `just eval`.

use bench::judge::is_right;
use shared::image_decode::{DecodeLimits, decode_image};
use shared::query::search_image;
use shared::{Index, QueryOptions};
use std::path::Path;
use testkit::distort::Class;
use testkit::library::{LibraryOptions, SizeProfile, Truth};
use testkit::queries::{Query, QuerySet};

const PER_CLASS: usize = 5;

/// Classes whose targets are not met yet (issue #16): `just eval`
/// measures them; they are pinned here once they are.
const NOT_YET: [Class; 1] = [Class::Vertical];

fn pinned() -> Vec<Class> {
    Class::ALL
        .into_iter()
        .filter(|c| !NOT_YET.contains(c))
        .collect()
}

fn library(dir: &Path, name: &str, seed: u64, anime: usize) -> std::path::PathBuf {
    let path = dir.join(name);
    let opts = LibraryOptions {
        anime,
        episodes: 2,
        seconds: 24.0,
        seed,
        profile: SizeProfile::Small,
        jobs: 2,
    };
    testkit::library::build(&path, &opts).expect("fixture library");
    path
}

#[test]
fn every_distortion_class_finds_its_scene() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "lib", 11, 2);
    let other = library(dir.path(), "other", 12, 1);
    let index_path = dir.path().join("index.bin");
    let build = indexer::build::BuildOptions {
        library: lib.clone(),
        output: index_path.clone(),
        threads: 2,
        allow_removal: false,
        part: None,
    };
    let report = indexer::build::build(&build, &indexer::progress::Silent).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let queries = dir.path().join("queries");
    let opts = testkit::queries::QueryOptions {
        per_class: PER_CLASS,
        seed: 5,
        classes: pinned(),
        jobs: 2,
    };
    let set: QuerySet = testkit::queries::make(&lib, &queries, &opts, Some(&other)).unwrap();
    let truth = Truth::load(&lib.join("truth.json")).unwrap();
    let index = Index::open(&index_path).unwrap();
    let mut failures = Vec::new();
    for class in pinned() {
        let of_class: Vec<&Query> = set
            .queries
            .iter()
            .filter(|q| q.indexed && q.class == class.name())
            .collect();
        let found = of_class
            .iter()
            .filter(|q| {
                let img = decode_image(
                    &std::fs::read(queries.join(&q.image)).unwrap(),
                    &DecodeLimits::default(),
                )
                .unwrap();
                let hits = search_image(&index, &img, &QueryOptions::default());
                let ok = hits.first().is_some_and(|h| is_right(&truth, q, h));
                if !ok {
                    eprintln!(
                        "miss {} ({} at {:.2}): {:?}",
                        q.image,
                        q.video,
                        q.time,
                        hits.first()
                    );
                }
                ok
            })
            .count();
        // The eval measures rates on larger footage; here a class that
        // misses more than its bar allows has regressed.
        let allowed = if matches!(class, Class::Chrome | Class::Photo) {
            2
        } else {
            1
        };
        if found + allowed < of_class.len() {
            failures.push(format!("{}: {found} of {}", class.name(), of_class.len()));
        }
    }
    assert!(failures.is_empty(), "classes below their bar: {failures:?}");
    for q in set.queries.iter().filter(|q| !q.indexed) {
        let img = decode_image(
            &std::fs::read(queries.join(&q.image)).unwrap(),
            &DecodeLimits::default(),
        )
        .unwrap();
        let hits = search_image(&index, &img, &QueryOptions::default());
        assert!(
            hits.iter().all(|h| h.similarity < 0.9),
            "{} confident: {hits:?}",
            q.image
        );
    }
}
