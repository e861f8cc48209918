package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// rowReader reads the current row's columns as typed values. Bytes is a view valid
// only until the next row; String copies.
type rowReader interface {
	Int64(i int) int64
	Float64(i int) float64
	Bytes(i int) []byte
	String(i int) string
}

// eachRow runs the read query q and calls fn with each row. On SQLite it reads the
// columns straight from the compiled statement: database/sql boxes every column of
// every row in an interface and converts it again in Scan, which for the campaign's
// large reads (every proposed citizen, at Milan's size 82,000 rows of ten columns)
// cost more than SQLite's own work. On PostgreSQL, and for a statement the SQLite
// wrapper hands to the driver, it goes through database/sql.
func (s *Store) eachRow(ctx context.Context, q string, args []any, fn func(rowReader) error) error {
	if s.dialect == SQLite {
		done, err := s.eachSQLiteRow(ctx, q, args, fn)
		if done || err != nil {
			return err
		}
	}
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	r := scannedRow{vals: make([]any, len(cols))}
	ptrs := make([]any, len(cols))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return s.translate(rows.Err())
}

// eachSQLiteRow is eachRow on a read connection's compiled statement; done is false
// when the statement is one the wrapper leaves to the driver.
func (s *Store) eachSQLiteRow(ctx context.Context, q string, args []any, fn func(rowReader) error) (done bool, err error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return false, fmt.Errorf("argument %d: %w", i+1, err)
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return false, s.translate(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*cachedConn)
		if !ok {
			return nil
		}
		st, err := c.stmt(q, named)
		if err != nil || st == nil {
			return err
		}
		done = true
		st.busy = true
		defer c.release(st)
		if err := c.bind(st, named); err != nil {
			return err
		}
		stop := c.watch(ctx)
		defer stop()
		// an interrupt before the first step is lost (SQLite clears it when no
		// statement runs): a context ended by then ends the read here
		if err := ctx.Err(); err != nil {
			return err
		}
		r := stmtRow{tls: c.tls, p: st.p}
		for {
			rc, err := c.nextRow(st, r, fn)
			if err != nil || rc == sqlite3.SQLITE_DONE {
				if stop() {
					return ctx.Err()
				}
				return err
			}
		}
	})
	return done, s.translate(err)
}

// nextRow steps the statement and hands a row to fn, holding the connection's mutex
// for both (see hold).
func (c *cachedConn) nextRow(st *cachedStmt, r stmtRow, fn func(rowReader) error) (int32, error) {
	defer c.hold()()
	switch rc := sqlite3.Xsqlite3_step(c.tls, st.p); rc {
	case sqlite3.SQLITE_ROW:
		return rc, fn(r)
	case sqlite3.SQLITE_DONE:
		return rc, nil
	default:
		return rc, c.errorf(rc)
	}
}

// stmtRow reads the columns of a statement's current row.
type stmtRow struct {
	tls *libc.TLS
	p   uintptr
}

func (r stmtRow) Int64(i int) int64 { return sqlite3.Xsqlite3_column_int64(r.tls, r.p, int32(i)) }

func (r stmtRow) Float64(i int) float64 { return sqlite3.Xsqlite3_column_double(r.tls, r.p, int32(i)) }

func (r stmtRow) Bytes(i int) []byte {
	v := sqlite3.Xsqlite3_column_value(r.tls, r.p, int32(i))
	t := sqlite3.Xsqlite3_value_text(r.tls, v)
	n := int(sqlite3.Xsqlite3_value_bytes(r.tls, v))
	if t == 0 || n == 0 {
		return nil
	}
	return libc.GoBytes(t, n)
}

func (r stmtRow) String(i int) string { return string(r.Bytes(i)) }

// scannedRow is a row database/sql scanned into interface values.
type scannedRow struct{ vals []any }

func (r scannedRow) Int64(i int) int64 {
	switch v := r.vals[i].(type) {
	case int64:
		return v
	case bool:
		if v {
			return 1
		}
	case float64:
		return int64(v)
	}
	return 0
}

func (r scannedRow) Float64(i int) float64 {
	switch v := r.vals[i].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

func (r scannedRow) Bytes(i int) []byte {
	switch v := r.vals[i].(type) {
	case string:
		return []byte(v)
	case []byte:
		return v
	case time.Time:
		return []byte(v.Format(time.RFC3339Nano))
	}
	return nil
}

func (r scannedRow) String(i int) string {
	if v, ok := r.vals[i].(string); ok {
		return v
	}
	return string(r.Bytes(i))
}
