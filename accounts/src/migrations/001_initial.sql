-- Accounts schema v1. Times are unix milliseconds (UTC). Secrets are never
-- stored in clear: sessions and API keys keep base64url(SHA-256(secret)),
-- passwords a salted PBKDF2 hash. The server secret and the guest quota
-- live in the server's own tables (component "server").

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    email_verified INTEGER NOT NULL DEFAULT 0,
    image          TEXT,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    ip_address  TEXT,
    user_agent  TEXT,
    remember_me INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    start        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at);

-- Purchased credits; a missing row means 0.
CREATE TABLE credit_balances (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    credits    INTEGER NOT NULL CHECK (credits >= 0),
    updated_at INTEGER NOT NULL
);

-- One row per charged search of a signed-in user.
CREATE TABLE charges (
    id        INTEGER PRIMARY KEY,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('free', 'purchased')),
    search_id TEXT NOT NULL
);
CREATE INDEX charges_user_at ON charges (user_id, at);
