-- Capacity an admin adds (an exceptional opening, new weekly hours) reaches citizens
-- only at the next release instant (Unix micros), like the window's last day, so a
-- bot watching the API gets no head start; 0 means visible (rows from before this).
ALTER TABLE booking_openings ADD COLUMN visible_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE opening_hours ADD COLUMN visible_from INTEGER NOT NULL DEFAULT 0;
