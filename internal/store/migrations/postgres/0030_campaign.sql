-- Replacement campaign (issue 5). Times are Unix microseconds; days are 'YYYY-MM-DD'.
-- campaign_citizens holds the register extract; state is the campaign's and an import
-- never touches it, so re-importing a corrected extract cannot undo a confirmation.
CREATE TABLE campaign_citizens (
    cf          TEXT PRIMARY KEY,
    family_name TEXT NOT NULL,
    given_names TEXT NOT NULL,
    sex         TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    household   TEXT NOT NULL,
    address     TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    card_type   TEXT NOT NULL,
    card_number TEXT NOT NULL,
    card_expiry TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    frail       INTEGER NOT NULL DEFAULT 0,
    row_hash    TEXT NOT NULL,
    state       TEXT NOT NULL,
    email_bad   INTEGER NOT NULL DEFAULT 0,
    visit_day   TEXT NOT NULL DEFAULT '',
    imported_at BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX campaign_citizens_household ON campaign_citizens(household);
CREATE INDEX campaign_citizens_state ON campaign_citizens(state);

-- One row: when the campaign runs and how proposals behave.
CREATE TABLE campaign_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    start_day      TEXT NOT NULL,
    weeks          INTEGER NOT NULL,
    deadline_day   TEXT NOT NULL,
    confirm_days   INTEGER NOT NULL,
    reminder_days  INTEGER NOT NULL,
    share_pct      INTEGER NOT NULL,
    minutes_per_app INTEGER NOT NULL,
    mail_per_minute INTEGER NOT NULL
);

-- Weekly campaign capacity an admin typed for an office; without a row it is derived
-- from opening hours × counters × share.
CREATE TABLE campaign_capacity (
    office_id BIGINT PRIMARY KEY REFERENCES offices(id) ON DELETE CASCADE,
    per_week  INTEGER NOT NULL CHECK (per_week >= 0)
);

CREATE TABLE campaign_runs (
    id         BIGSERIAL PRIMARY KEY,
    created_at BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    people     INTEGER NOT NULL,
    planned    INTEGER NOT NULL,
    unplanned  INTEGER NOT NULL,
    cost       DOUBLE PRECISION NOT NULL,
    bound      DOUBLE PRECISION NOT NULL,
    gap        DOUBLE PRECISION NOT NULL,
    millis     INTEGER NOT NULL
);

-- A proposal is one citizen's appointment offer. state: planned (not yet sent),
-- proposed, confirmed, declined, expired, cancelled. nonce signs the personal link and
-- changes when the link is used, which makes the link single-use.
CREATE TABLE campaign_proposals (
    id          BIGSERIAL PRIMARY KEY,
    cf          TEXT NOT NULL REFERENCES campaign_citizens(cf),
    household   TEXT NOT NULL,
    run_id      BIGINT NOT NULL REFERENCES campaign_runs(id),
    office_id   BIGINT NOT NULL REFERENCES offices(id),
    day         TEXT NOT NULL,
    minute      INTEGER NOT NULL,
    week        INTEGER NOT NULL,
    state       TEXT NOT NULL,
    channel     TEXT NOT NULL,
    letter_code TEXT NOT NULL UNIQUE,
    nonce       TEXT NOT NULL,
    deadline    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT NOT NULL DEFAULT 0,
    decided_at  BIGINT NOT NULL DEFAULT 0,
    decided_via TEXT NOT NULL DEFAULT '',
    reminders   INTEGER NOT NULL DEFAULT 0,
    reminded_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX campaign_proposals_cf ON campaign_proposals(cf);
CREATE INDEX campaign_proposals_state ON campaign_proposals(state, deadline);
CREATE INDEX campaign_proposals_cell ON campaign_proposals(office_id, week, state);
CREATE INDEX campaign_proposals_household ON campaign_proposals(household, state);
