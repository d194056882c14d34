//! The merged index's records and columns, in the order one build of the
//! whole library gives them: anime by folder name (the walk lists folders
//! in name order), each anime's videos by path, anime ids kept from the
//! index being replaced (`build::AnimeIds`), failures by path. Frames are
//! copied from the parts one part at a time, so memory holds the merged
//! columns and one part's codes.

use super::MergeError;
use super::parts::PartFile;
use crate::build::AnimeIds;
use shared::descriptor::{CODE_BYTES, FrameCode};
use shared::index::{Anime, Failure, Index, IndexData, Video};
use std::collections::BTreeMap;

/// A video of a part, by position in its part.
struct Placed<'a> {
    folder: &'a str,
    path: &'a str,
    part: usize,
    video: usize,
}

pub(super) fn assemble(parts: &[PartFile], old: Option<&Index>) -> Result<IndexData, MergeError> {
    let anime = anime_by_folder(parts)?;
    let mut placed = placed(parts);
    placed.sort_by(|a, b| (a.folder, a.path).cmp(&(b.folder, b.path)));
    let ids = AnimeIds::new(old);
    let mut data = IndexData::default();
    let mut positions: BTreeMap<&str, u32> = BTreeMap::new();
    let mut first = 0u64;
    for p in &placed {
        let anime_at = *positions.entry(p.folder).or_insert_with(|| {
            let record = Anime {
                id: ids.id_for(p.folder),
                ..anime[p.folder].clone()
            };
            data.anime.push(record);
            (data.anime.len() - 1) as u32
        });
        let video = Video {
            anime: anime_at,
            first_frame: first,
            ..parts[p.part].index.videos()[p.video].to_owned()
        };
        first += video.frame_count as u64;
        data.videos.push(video);
    }
    data.failed = failures(parts);
    copy_columns(parts, &placed, &mut data);
    Ok(data)
}

/// Each anime folder's record; the parts that hold one folder must
/// describe it alike (their ids are their own and do not count).
fn anime_by_folder(parts: &[PartFile]) -> Result<BTreeMap<&str, Anime>, MergeError> {
    let mut found: BTreeMap<&str, (Anime, usize)> = BTreeMap::new();
    for (i, p) in parts.iter().enumerate() {
        for a in p.index.anime() {
            let record = Anime {
                id: 0,
                ..a.to_owned()
            };
            match found.get(a.folder.as_str()) {
                Some((before, j)) if *before != record => {
                    return Err(MergeError::AnimeDiffers {
                        folder: a.folder.to_string(),
                        a: parts[*j].path.clone(),
                        b: p.path.clone(),
                    });
                }
                Some(_) => {}
                None => {
                    found.insert(a.folder.as_str(), (record, i));
                }
            }
        }
    }
    Ok(found.into_iter().map(|(f, (a, _))| (f, a)).collect())
}

fn placed(parts: &[PartFile]) -> Vec<Placed<'_>> {
    let mut placed = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let anime = p.index.anime();
        for (j, v) in p.index.videos().iter().enumerate() {
            placed.push(Placed {
                folder: anime[v.anime.to_native() as usize].folder.as_str(),
                path: v.path.as_str(),
                part: i,
                video: j,
            });
        }
    }
    placed
}

fn failures(parts: &[PartFile]) -> Vec<Failure> {
    let mut failed: Vec<Failure> = parts
        .iter()
        .flat_map(|p| p.index.failed().iter().map(|f| f.to_owned()))
        .collect();
    failed.sort_by(|a, b| a.path.cmp(&b.path));
    failed
}

/// Copies every video's codes and time deltas to its place in the merged
/// columns, reading one part's codes at a time.
fn copy_columns(parts: &[PartFile], placed: &[Placed], data: &mut IndexData) {
    let frames = data
        .videos
        .last()
        .map_or(0, |v| v.first_frame + v.frame_count as u64);
    data.codes = vec![0; frames as usize * CODE_BYTES];
    data.inner = vec![0; frames as usize * CODE_BYTES];
    data.deltas = vec![0; frames as usize];
    let mut by_part: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
    for (slot, p) in placed.iter().enumerate() {
        by_part[p.part].push(slot);
    }
    for (part, slots) in parts.iter().zip(by_part) {
        let codes = part.index.codes_in_frame_order();
        let inner = part.index.inner_codes_in_frame_order();
        for slot in slots {
            let video = placed[slot].video;
            let range = part.index.frame_range(video);
            let range = range.start as usize..range.end as usize;
            let at = data.videos[slot].first_frame as usize;
            let n = range.len();
            copy_codes(&codes[range.clone()], &mut data.codes, at);
            copy_codes(&inner[range], &mut data.inner, at);
            data.deltas[at..at + n].copy_from_slice(&part.index.deltas(video));
        }
    }
}

/// Writes `from` into a code column from frame `at` on.
fn copy_codes(from: &[FrameCode], column: &mut [u8], at: usize) {
    let to = &mut column[at * CODE_BYTES..(at + from.len()) * CODE_BYTES];
    for (out, code) in to.chunks_exact_mut(CODE_BYTES).zip(from) {
        out.copy_from_slice(&code.to_bytes());
    }
}
