//! `indexer query`: search screenshots against an index with the same
//! library code the server runs.

use crate::exit;
use serde::Serialize;
use shared::image_decode::{DecodeLimits, decode_gray};
use shared::query::search_gray;
use shared::{Index, QueryOptions, SearchHit};
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct ImageResult {
    image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Vec<SearchHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(
    index: &Path,
    images: &[PathBuf],
    opts: &QueryOptions,
    json: bool,
) -> anyhow::Result<u8> {
    let index = Index::open(index)?;
    let results: Vec<ImageResult> = images.iter().map(|p| search_one(&index, p, opts)).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        results.iter().for_each(print_text);
    }
    let failed = results.iter().any(|r| r.error.is_some());
    Ok(if failed { exit::PARTIAL } else { exit::OK })
}

fn search_one(index: &Index, path: &Path, opts: &QueryOptions) -> ImageResult {
    let outcome = std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| decode_gray(&bytes, &DecodeLimits::default()).map_err(|e| e.to_string()))
        .map(|gray| search_gray(index, &gray, opts));
    let image = path.display().to_string();
    match outcome {
        Ok(hits) => ImageResult {
            image,
            result: Some(hits),
            error: None,
        },
        Err(e) => ImageResult {
            image,
            result: None,
            error: Some(e),
        },
    }
}

fn print_text(r: &ImageResult) {
    println!("{}", r.image);
    if let Some(e) = &r.error {
        println!("  error: {e}");
        eprintln!("indexer: {}: {e}", r.image);
    }
    for (i, h) in r.result.iter().flatten().enumerate() {
        let episode = h.episode.map_or("-".to_string(), |e| e.to_string());
        println!(
            "  {}. {:.1}%  {} ep {}  at {:.2} s ({:.2}-{:.2})  {}",
            i + 1,
            h.similarity * 100.0,
            h.anime.title,
            episode,
            h.at,
            h.from,
            h.to,
            h.filename
        );
    }
}
