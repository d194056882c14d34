//! `--part auto`: the share from a job scheduler's environment, so that
//! one command line serves every task of a Kubernetes Indexed Job or a
//! Slurm job array.
//!
//! - Kubernetes sets `JOB_COMPLETION_INDEX` (0-based) in the pods of an
//!   Indexed Job, but not the number of completions: the manifest sets
//!   `JOB_COMPLETIONS` to the Job's `spec.completions`.
//! - Slurm sets `SLURM_ARRAY_TASK_ID`, `_MIN`, `_MAX`, `_STEP` and
//!   `_COUNT`; ids need not start at 0 (`--array=1-8`, `--array=0-30:10`),
//!   so the share is the task's rank among evenly spaced ids.

use super::{Share, ShareError};

const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
const K8S_COUNT: &str = "JOB_COMPLETIONS";
const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
const SLURM_MAX: &str = "SLURM_ARRAY_TASK_MAX";
const SLURM_STEP: &str = "SLURM_ARRAY_TASK_STEP";

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AutoError {
    #[error(
        "--part auto: neither {K8S_INDEX} (a Kubernetes Indexed Job) nor {SLURM_ID} (a Slurm job array) is set; run it in such a job or pass --part K/N"
    )]
    NoScheduler,
    #[error("--part auto: both {K8S_INDEX} and {SLURM_ID} are set; pass --part K/N")]
    TwoSchedulers,
    #[error(
        "--part auto: {K8S_INDEX} is set (a Kubernetes Indexed Job) but {K8S_COUNT} is not; set it to the Job's spec.completions in the container's env (see docs/indexing-at-scale.md)"
    )]
    NoCompletions,
    #[error("--part auto: {SLURM_ID} is set but {0} is not (Slurm sets it in every array task)")]
    SlurmMissing(&'static str),
    #[error("--part auto: {name}={value:?} is not a whole number")]
    NotANumber { name: &'static str, value: String },
    #[error(
        "--part auto: the array's task ids are not evenly spaced ({SLURM_MIN}={min}, {SLURM_MAX}={max}, {SLURM_STEP}={step}, {SLURM_COUNT}={count}); submit --array=0-{last} or pass --part K/N",
        last = count.saturating_sub(1)
    )]
    Uneven {
        min: u64,
        max: u64,
        step: u64,
        count: u64,
    },
    #[error("--part auto: task {id} is not one of the array's ids ({first} to {last} by {step})")]
    NotATask {
        id: u64,
        first: u64,
        last: u64,
        step: u64,
    },
    #[error("--part auto: {0}")]
    Share(#[from] ShareError),
}

/// The share the scheduler's variables name; `var` reads one (e.g.
/// `|name| std::env::var(name).ok()`).
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Share, AutoError> {
    match (var(K8S_INDEX), var(SLURM_ID)) {
        (Some(_), Some(_)) => Err(AutoError::TwoSchedulers),
        (Some(index), None) => kubernetes(&index, &var),
        (None, Some(id)) => slurm(&id, &var),
        (None, None) => Err(AutoError::NoScheduler),
    }
}

fn kubernetes(index: &str, var: &impl Fn(&str) -> Option<String>) -> Result<Share, AutoError> {
    let index = number(K8S_INDEX, index)?;
    let count = var(K8S_COUNT).ok_or(AutoError::NoCompletions)?;
    let count = number(K8S_COUNT, &count)?;
    Ok(Share::new(to_u32(index.saturating_add(1)), to_u32(count))?)
}

fn slurm(id: &str, var: &impl Fn(&str) -> Option<String>) -> Result<Share, AutoError> {
    let id = number(SLURM_ID, id)?;
    let required = |name: &'static str| {
        let value = var(name).ok_or(AutoError::SlurmMissing(name))?;
        number(name, &value)
    };
    let count = required(SLURM_COUNT)?;
    let min = required(SLURM_MIN)?;
    let step = match var(SLURM_STEP) {
        Some(s) => number(SLURM_STEP, &s)?.max(1),
        None => 1,
    };
    let last = min + step * count.saturating_sub(1);
    let max = match var(SLURM_MAX) {
        Some(m) => number(SLURM_MAX, &m)?,
        None => last,
    };
    if max != last {
        return Err(AutoError::Uneven {
            min,
            max,
            step,
            count,
        });
    }
    if id < min || id > max || (id - min) % step != 0 {
        return Err(AutoError::NotATask {
            id,
            first: min,
            last: max,
            step,
        });
    }
    Ok(Share::new(to_u32((id - min) / step + 1), to_u32(count))?)
}

fn number(name: &'static str, value: &str) -> Result<u64, AutoError> {
    value.trim().parse().map_err(|_| AutoError::NotANumber {
        name,
        value: value.to_string(),
    })
}

/// Larger counts than u32 are no share anyone runs; saturating keeps the
/// range check's message.
fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
