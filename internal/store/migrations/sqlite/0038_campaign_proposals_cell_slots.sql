-- The office-week index carries each proposal's day and time too: the re-plan counts
-- the proposals of each office's slots for its calendars from the index alone
-- instead of a row lookup per proposal. A re-proposal rewrites the entry anyway, as
-- its office and week change.
DROP INDEX campaign_proposals_cell;
CREATE INDEX campaign_proposals_cell ON campaign_proposals(office_id, week, state, day, minute);
