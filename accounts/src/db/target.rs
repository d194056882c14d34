//! Which database a process uses, as operators write it: a file path for
//! SQLite, a `postgres://` URL for PostgreSQL.

use std::fmt;
use std::path::PathBuf;

/// The two engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    /// A libpq-style URL (`postgres://user:password@host:port/db?options`).
    Postgres(String),
}

impl Target {
    /// `postgres://...` or `postgresql://...` is PostgreSQL; anything else
    /// is the path of an SQLite file.
    pub fn parse(s: &str) -> Target {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Target::Postgres(s.to_owned())
        } else {
            Target::Sqlite(PathBuf::from(s))
        }
    }

    /// The text form, as given on a command line (with its password:
    /// not for logs, which take `Display`).
    pub fn as_arg(&self) -> String {
        match self {
            Target::Sqlite(path) => path.to_string_lossy().into_owned(),
            Target::Postgres(url) => url.clone(),
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Target::Sqlite(_) => Engine::Sqlite,
            Target::Postgres(_) => Engine::Postgres,
        }
    }
}

impl From<PathBuf> for Target {
    fn from(path: PathBuf) -> Self {
        Target::Sqlite(path)
    }
}

impl From<&std::path::Path> for Target {
    fn from(path: &std::path::Path) -> Self {
        Target::Sqlite(path.to_path_buf())
    }
}

/// Paths as they are; URLs without their password, so that logs and error
/// messages can show them.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "{}", path.display()),
            Target::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart_and_passwords_hidden() {
        assert_eq!(Target::parse("data/server.db").engine(), Engine::Sqlite);
        let pg = Target::parse("postgres://app:s3cret@db.local:5432/scenes?sslmode=disable");
        assert_eq!(pg.engine(), Engine::Postgres);
        assert_eq!(
            pg.to_string(),
            "postgres://app:***@db.local:5432/scenes?sslmode=disable"
        );
        assert_eq!(
            Target::parse("postgresql://app@localhost/db").to_string(),
            "postgresql://app@localhost/db"
        );
    }
}
