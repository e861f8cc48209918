// Package store is Sportello's one persistence layer over SQLite (default, embedded) and
// PostgreSQL (for scale). SQL is hand-written with '?' placeholders and rebound for
// PostgreSQL; each dialect has its own numbered migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL flavour of the open database.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store wraps the database. Reads go to a pool; on SQLite writes go through a single
// connection so writers queue in Go instead of failing with SQLITE_BUSY.
type Store struct {
	read    *sql.DB
	write   *sql.DB
	dialect Dialect
	group   group // the SQLite writer goroutine of InGroupTx
	ckpt    *checkpointer
	// refKey caches the audit pseudonyms' key (campaignRefKey)
	refKeyMu sync.Mutex
	refKey   []byte
	// Now is the clock; tests replace it to move time.
	Now func() time.Time
}

// Open connects to dsn: a postgres:// or postgresql:// URL, or else a path to a SQLite
// file (created if missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{Now: time.Now}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.dialect = Postgres
		s.read, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.read.SetMaxOpenConns(32)
		s.read.SetMaxIdleConns(32)
		s.write = s.read
	} else {
		s.dialect = SQLite
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create data dir: %w", err)
			}
		}
		// busy_timeout first, so the WAL switch itself waits for other processes.
		pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
		path := (&url.URL{Scheme: "file", Opaque: dsn}).String()
		s.read, err = sql.Open(sqliteCachedDriver, path+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.read.SetMaxOpenConns(8)
		// Keep them all: database/sql keeps 2 idle by default, and a reopened connection
		// pays the open, the pragmas and the compiled statements again.
		s.read.SetMaxIdleConns(8)
		s.write, err = sql.Open(sqliteCachedDriver, path+"?"+pragmas+fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", walBackstop)+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.write.SetMaxOpenConns(1)
		s.write.SetConnMaxIdleTime(0)
		if err := s.startCheckpointer(path + "?" + pragmas); err != nil {
			s.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dialect reports which database is open.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

// Close closes the pools.
func (s *Store) Close() error {
	s.stopGroup()
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.stop())
		s.ckpt = nil
	}
	if s.write != nil && s.write != s.read {
		errs = append(errs, s.write.Close())
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	return errors.Join(errs...)
}

// Rebind turns '?' placeholders into $1, $2, … for PostgreSQL. Our SQL never has a '?'
// inside a string literal, which is what makes this simple rewrite safe.
func (s *Store) Rebind(q string) string {
	if s.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Querier runs '?'-placeholder SQL on the write side, inside a transaction (*Tx) or not
// (Store.Writer()), so store functions can be composed into one transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction with the store's dialect helpers.
type Tx struct {
	tx *sql.Tx
	s  *Store
	// detached runs statements to completion whatever their context says: in a group
	// commit, an interrupted write would roll back the other callers' changes too.
	detached bool
}

func (t *Tx) ctx(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// ExecContext implements Querier.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Exec(ctx, q, args...)
}

// QueryContext implements Querier.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Query(ctx, q, args...)
}

// QueryRowContext implements Querier.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.QueryRow(ctx, q, args...)
}

// Exec runs a statement with '?' placeholders.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(t.ctx(ctx), t.s.Rebind(q), args...)
	return r, t.s.translate(err)
}

// Query runs a query with '?' placeholders.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := t.tx.QueryContext(t.ctx(ctx), t.s.Rebind(q), args...)
	return r, t.s.translate(err)
}

// QueryRow runs a single-row query with '?' placeholders; translate the Scan error with Err.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx(ctx), t.s.Rebind(q), args...)
}

// Err translates a driver error (e.g. from Scan) into the store's sentinels.
func (t *Tx) Err(err error) error { return t.s.translate(err) }

// Store returns the store the transaction belongs to.
func (t *Tx) Store() *Store { return t.s }

// InTx runs fn in a write transaction, committing when fn returns nil. On SQLite the
// transaction starts IMMEDIATE on the single write connection, so read-then-write logic
// (capacity checks) cannot interleave with another writer.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return s.translate(err)
	}
	tx := &Tx{tx: sqlTx, s: s}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return s.translate(sqlTx.Commit())
}

// writer is the write pool as a Querier.
type writer struct{ s *Store }

func (w writer) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return w.s.Exec(ctx, q, args...)
}

func (w writer) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := w.s.write.QueryContext(ctx, w.s.Rebind(q), args...)
	return r, w.s.translate(err)
}

func (w writer) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return w.s.write.QueryRowContext(ctx, w.s.Rebind(q), args...)
}

// Writer returns the write pool as a Querier, for store functions run outside a transaction.
func (s *Store) Writer() Querier { return writer{s} }

// Exec runs one write statement outside an explicit transaction.
func (s *Store) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := s.write.ExecContext(ctx, s.Rebind(q), args...)
	return r, s.translate(err)
}

// Query runs a read query.
func (s *Store) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := s.read.QueryContext(ctx, s.Rebind(q), args...)
	return r, s.translate(err)
}

// QueryRow runs a single-row read query.
func (s *Store) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.read.QueryRowContext(ctx, s.Rebind(q), args...)
}

// Err translates a driver error (e.g. from Scan) into the store's sentinels.
func (s *Store) Err(err error) error { return s.translate(err) }

// Micros converts a time to the stored representation.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros converts the stored representation back to UTC time.
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}
