-- Component "server", version 1: settings, the search log and guest usage.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per successful (200) search. The caller is a guest (ip_hash,
-- an HMAC of the IP with the server secret) or a user (user_id, filled in
-- by the accounts work). The top result is copied into columns for the
-- rankings; all results are kept as JSON for confirmation.
CREATE TABLE searches (
    id              TEXT PRIMARY KEY,
    created_at      INTEGER NOT NULL,          -- unix milliseconds
    caller_kind     TEXT NOT NULL CHECK (caller_kind IN ('guest', 'user')),
    ip_hash         BLOB,
    user_id         TEXT,
    frame_count     INTEGER NOT NULL,
    results         TEXT NOT NULL,             -- JSON array of hits
    top_anime_id    INTEGER,
    top_title       TEXT,
    top_anilist_id  INTEGER,
    top_is_adult    INTEGER,
    top_episode     INTEGER,
    top_at          REAL,
    top_similarity  REAL,
    confirmed_index INTEGER,
    public          INTEGER NOT NULL DEFAULT 0,
    confirmed_at    INTEGER,                   -- unix milliseconds
    CHECK ((caller_kind = 'guest') = (ip_hash IS NOT NULL))
) STRICT;

CREATE INDEX searches_by_time ON searches (created_at);
CREATE INDEX searches_public ON searches (confirmed_at) WHERE public = 1;

-- Guest searches per keyed IP hash and UTC day (days since the epoch).
CREATE TABLE guest_usage (
    ip_hash BLOB NOT NULL,
    day     INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (ip_hash, day)
) STRICT, WITHOUT ROWID;
