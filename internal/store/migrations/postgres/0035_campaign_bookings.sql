-- A confirmed campaign proposal holds a booking in the booking calendar, so the
-- clerk's agenda and search show the citizen and online booking shares the counters
-- with the campaign. One row per proposal that holds one; a decline or a withdrawal
-- cancels the booking and removes the row.
CREATE TABLE campaign_bookings (
    proposal_id BIGINT PRIMARY KEY REFERENCES campaign_proposals(id),
    booking_id  BIGINT NOT NULL UNIQUE REFERENCES bookings(id)
);
