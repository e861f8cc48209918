-- Badges: a CIE used as a pass through its NIS and internal authentication.
-- The NIS is personal data: it is stored as an HMAC under the server key (lookups only)
-- plus its last four digits for the operator's list.
CREATE TABLE badge_enrolments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    nis_mac    TEXT NOT NULL UNIQUE,
    nis_tail   TEXT NOT NULL,
    key_hash   TEXT NOT NULL,
    holder     TEXT NOT NULL,
    grp        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE badge_points (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    groups     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
