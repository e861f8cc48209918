-- The office-week index carries each proposal's day and time too, so a calendar's
-- slot counts read the index instead of a row per proposal (on SQLite the index alone:
-- the id it also needs is the rowid). A re-proposal moves office and week, and with
-- them the entry, in most cases anyway; now also when only the day or time moves.
DROP INDEX campaign_proposals_cell;
CREATE INDEX campaign_proposals_cell ON campaign_proposals(office_id, week, state, day, minute);
