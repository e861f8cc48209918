-- Personal links spent on a confirmation, by the SHA-256 of the token: reopening one
-- shows the confirmed appointment instead of "link not valid" until the link's own
-- expiry. The token itself is never stored, so the table cannot be used to answer.
CREATE TABLE campaign_spent_links (
    token_hash  TEXT PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES campaign_proposals(id),
    expires_at  BIGINT NOT NULL,
    spent_at    BIGINT NOT NULL
);
