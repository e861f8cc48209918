-- Row triggers do not fire on TRUNCATE: refuse it too, so the application's connection
-- cannot wipe the audit log in one statement.
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
