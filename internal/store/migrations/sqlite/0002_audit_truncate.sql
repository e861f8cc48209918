-- SQLite has no TRUNCATE: DELETE without WHERE fires the row trigger of 0001. This file
-- keeps the version numbers of both dialects in step.
SELECT 1;
