package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sportello/sportello/internal/model"
)

// translate maps each driver's errors onto the shared sentinels, so no caller ever
// inspects a driver error (gotosocial's internal/db/*/errors.go idea).
func (s *Store) translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return model.ErrNotFound
	}
	var le *sqlite.Error
	var ce *sqliteError // the statement cache's (sqlite_stmtcache.go)
	if code := 0; errors.As(err, &le) || errors.As(err, &ce) {
		if le != nil {
			code = le.Code()
		} else {
			code = ce.Code()
		}
		switch code {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", model.ErrConflict, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %v", model.ErrConflict, err)
		case "40001", "40P01": // serialization failure, deadlock: the caller may retry
			return fmt.Errorf("%w: %v", model.ErrConflict, err)
		}
	}
	return err
}
