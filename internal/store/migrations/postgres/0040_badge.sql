-- Badges: a CIE used as a pass through its NIS and internal authentication.
-- The NIS is personal data: it is stored as an HMAC under the server key (lookups only)
-- plus its last four digits for the operator's list.
CREATE TABLE badge_enrolments (
    id         BIGSERIAL PRIMARY KEY,
    nis_mac    TEXT NOT NULL UNIQUE,
    nis_tail   TEXT NOT NULL,
    key_hash   TEXT NOT NULL,
    holder     TEXT NOT NULL,
    grp        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE badge_points (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    groups     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
