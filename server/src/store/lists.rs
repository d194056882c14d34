//! The public lists read from the search log: recent confirmed public
//! searches and the most found anime. They never read caller columns.

use super::StoreError;
use accounts::db::Db;
use accounts::params;
use serde::Serialize;
use shared::AnimeRef;

/// One confirmed public search, as the public may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentSearch {
    pub search_id: String,
    pub anime: serde_json::Value,
    pub episode: serde_json::Value,
    pub at: serde_json::Value,
    pub similarity: serde_json::Value,
    pub confirmed_at: String,
}

/// The most recently confirmed public searches, newest first, showing the
/// result the caller confirmed.
pub fn recent(conn: &Db, limit: u32, offset: u64) -> Result<Vec<RecentSearch>, StoreError> {
    let rows = conn.query(
        "SELECT id, results, confirmed_index, confirmed_at FROM searches
         WHERE public = 1 AND confirmed_at IS NOT NULL
         ORDER BY confirmed_at DESC, id LIMIT ?1 OFFSET ?2",
        params![limit, offset],
    )?;
    rows.iter()
        .map(|r| {
            let index: i64 = r.get(2)?;
            recent_item(r.get(0)?, &r.get::<String>(1)?, index as usize, r.get(3)?)
        })
        .collect()
}

fn recent_item(
    id: String,
    results: &str,
    index: usize,
    at_ms: i64,
) -> Result<RecentSearch, StoreError> {
    let malformed = |why: String| StoreError::Malformed {
        what: "search results",
        why,
    };
    let mut results: Vec<serde_json::Value> =
        serde_json::from_str(results).map_err(|e| malformed(e.to_string()))?;
    if index >= results.len() {
        return Err(malformed(format!("confirmed result {index} is missing")));
    }
    let mut hit = results.swap_remove(index);
    let mut take = |k: &str| {
        hit.get_mut(k)
            .map(serde_json::Value::take)
            .unwrap_or_default()
    };
    Ok(RecentSearch {
        search_id: id,
        anime: take("anime"),
        episode: take("episode"),
        at: take("at"),
        similarity: take("similarity"),
        confirmed_at: crate::clock::iso8601(at_ms),
    })
}

/// One anime of the rankings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: u32,
    pub anime: AnimeRef,
    pub searches: u64,
}

/// Which searches count for the rankings.
#[derive(Debug, Clone, Copy)]
pub struct RankingQuery {
    /// Searches made at or after this instant (unix ms).
    pub since_ms: i64,
    pub limit: u32,
    pub include_adult: bool,
}

/// Top-result similarity from which a search counts as having found it.
pub const CONFIDENT_SIMILARITY: f64 = 0.9;

/// Anime ranked by how many searches found them, most first. Title and
/// flags come from the latest such search (SQLite takes bare columns from
/// the row that holds the `MAX`).
pub fn rankings(conn: &Db, q: RankingQuery) -> Result<Vec<Ranked>, StoreError> {
    let rows = conn.query(
        "SELECT top_anime_id, COUNT(*) AS n, MAX(top_title), MAX(top_anilist_id),
                MAX(top_is_adult)
         FROM searches
         WHERE top_similarity >= ?1 AND created_at >= ?2 AND (?3 = 1 OR top_is_adult = 0)
         GROUP BY top_anime_id ORDER BY n DESC, top_anime_id LIMIT ?4",
        params![CONFIDENT_SIMILARITY, q.since_ms, q.include_adult, q.limit],
    )?;
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        out.push(Ranked {
            rank: i as u32 + 1,
            anime: AnimeRef {
                id: r.get(0)?,
                title: r.get(2)?,
                anilist_id: r.get(3)?,
                is_adult: r.get(4)?,
            },
            searches: r.get(1)?,
        });
    }
    Ok(out)
}
