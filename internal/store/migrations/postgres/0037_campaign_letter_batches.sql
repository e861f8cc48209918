-- Each print run of proposal letters is recorded, so the default download holds only
-- the letters not yet printed and a lost run can be downloaded again on purpose.
-- A print is of one attempt of a proposal, named by its nonce: a proposal re-proposed
-- in place (0036) gets a new nonce, a new slot and so a new letter, printed anew.
CREATE TABLE campaign_letter_batches (
    id         BIGSERIAL PRIMARY KEY,
    printed_at BIGINT NOT NULL,
    letters    INTEGER NOT NULL,
    people     INTEGER NOT NULL
);
CREATE TABLE campaign_letter_prints (
    batch_id    BIGINT NOT NULL REFERENCES campaign_letter_batches(id),
    proposal_id BIGINT NOT NULL REFERENCES campaign_proposals(id),
    nonce       TEXT NOT NULL,
    PRIMARY KEY (proposal_id, nonce)
);
CREATE INDEX campaign_letter_prints_batch ON campaign_letter_prints(batch_id);
