-- Times are Unix microseconds (UTC) in both dialects, so comparisons and ordering are
-- identical on SQLite and PostgreSQL.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE offices (
    id        BIGSERIAL PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    municipio TEXT NOT NULL DEFAULT '',
    lat       DOUBLE PRECISION NOT NULL DEFAULT 0,
    lon       DOUBLE PRECISION NOT NULL DEFAULT 0,
    phone     TEXT NOT NULL DEFAULT '',
    active    BOOLEAN NOT NULL DEFAULT TRUE,
    counters  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE opening_hours (
    id           BIGSERIAL PRIMARY KEY,
    office_id    BIGINT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_min    INTEGER NOT NULL,
    closes_min   INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    counters     INTEGER NOT NULL
);
CREATE INDEX opening_hours_office ON opening_hours(office_id, weekday);

CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash BYTEA NOT NULL,
    hash      BYTEA NOT NULL
);
-- Append-only: the database itself refuses edits and deletes through the application's
-- connection; `audit verify` catches whatever is done around it.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      BYTEA NOT NULL,
    dedup_key    TEXT UNIQUE,
    run_at       BIGINT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    last_error   TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'queued',
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs(state, run_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
