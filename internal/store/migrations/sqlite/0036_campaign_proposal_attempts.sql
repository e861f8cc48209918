-- A proposal that expires unanswered and is planned again is re-proposed in place: the
-- same row (and so the same letter code, the one printed on the citizen's letter) gets
-- the new slot, deadline and nonce. The attempt it replaces is kept here, narrow and
-- append-only: the dashboard still counts it sent and expired, and its nonce lets the
-- old link say "expired, a new proposal was sent" instead of "not valid". A proposal
-- that expires and is not planned again stays a row in state expired, as before.
CREATE TABLE campaign_proposal_attempts (
    id          INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES campaign_proposals(id),
    run_id      INTEGER NOT NULL,
    office_id   INTEGER NOT NULL,
    day         TEXT NOT NULL,
    minute      INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    deadline    BIGINT NOT NULL,
    reminders   INTEGER NOT NULL,
    ended_at    BIGINT NOT NULL
);
CREATE INDEX campaign_proposal_attempts_proposal ON campaign_proposal_attempts(proposal_id);

-- The days a letter takes to arrive: a letter's answer window starts after them, and
-- its appointment leaves the whole window and the 72-hour confirmation rule after it.
ALTER TABLE campaign_settings ADD COLUMN postal_days INTEGER NOT NULL DEFAULT 5;

-- The state index without the deadline: re-proposing in place moves every row's
-- deadline, and keeping it in an index was a third of the expiry's write at Milan's
-- size. The queries by deadline (due, reminders) read the rows of their state anyway.
DROP INDEX campaign_proposals_state;
CREATE INDEX campaign_proposals_state ON campaign_proposals(state);
