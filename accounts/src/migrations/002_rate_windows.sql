-- Accounts schema v2: rate-limit windows (sign-in, sign-up, failed
-- searches) kept in the database, so that server replicas sharing it
-- count as one. A single server on SQLite keeps them in memory instead.

CREATE TABLE rate_windows (
    key   TEXT PRIMARY KEY,
    start INTEGER NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX rate_windows_start ON rate_windows (start);
