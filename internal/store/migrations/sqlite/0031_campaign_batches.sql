-- A plan is written in chunks of a few thousand proposals so that no single
-- transaction holds the write lock for long; done says the run's last chunk is
-- in. Proposals of a run that never finished are never sent: the next plan
-- cancels them.
ALTER TABLE campaign_runs ADD COLUMN done INTEGER NOT NULL DEFAULT 1;

-- An import is staged here in chunks under a batch id, then applied to
-- campaign_citizens by one set-based statement, so a half-written import is
-- invisible and the write lock is held for seconds at most.
CREATE TABLE campaign_import_rows (
    batch       TEXT NOT NULL,
    cf          TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_names TEXT NOT NULL,
    sex         TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    household   TEXT NOT NULL,
    address     TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    card_type   TEXT NOT NULL,
    card_number TEXT NOT NULL,
    card_expiry TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    frail       INTEGER NOT NULL,
    row_hash    TEXT NOT NULL,
    state       TEXT NOT NULL,
    staged_at   BIGINT NOT NULL,
    PRIMARY KEY (batch, cf)
);
