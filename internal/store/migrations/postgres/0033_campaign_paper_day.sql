-- The day paper cards stop being valid, as letters and e-mails state it; empty means
-- the campaign's deadline (a comune sets it when the law's date differs).
ALTER TABLE campaign_settings ADD COLUMN paper_invalid_day TEXT NOT NULL DEFAULT '';
