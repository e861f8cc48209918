-- Times are Unix microseconds (UTC) in both dialects, so comparisons and ordering are
-- identical on SQLite and PostgreSQL.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE offices (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    municipio TEXT NOT NULL DEFAULT '',
    lat       REAL NOT NULL DEFAULT 0,
    lon       REAL NOT NULL DEFAULT 0,
    phone     TEXT NOT NULL DEFAULT '',
    active    INTEGER NOT NULL DEFAULT 1,
    counters  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE opening_hours (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id    INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_min    INTEGER NOT NULL,
    closes_min   INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    counters     INTEGER NOT NULL
);
CREATE INDEX opening_hours_office ON opening_hours(office_id, weekday);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
-- Append-only: the database itself refuses edits and deletes through the application's
-- connection; `audit verify` catches whatever is done around it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      BLOB NOT NULL,
    dedup_key    TEXT UNIQUE,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    last_error   TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'queued',
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(state, run_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
