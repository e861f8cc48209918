// Package testdb gives each test a fresh database: a SQLite file in a temp dir, or,
// when SPORTELLO_TEST_POSTGRES holds a server URL, a new PostgreSQL database dropped at
// the end. It depends on nothing of the app, so store-level tests stay light.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testenv"
)

// PostgresEnv names the variable that switches the suite to PostgreSQL.
const PostgresEnv = "SPORTELLO_TEST_POSTGRES"

// UsingPostgres tells whether this run targets PostgreSQL.
func UsingPostgres() bool { return os.Getenv(PostgresEnv) != "" }

// RequirePostgresInCI fails a CI run meant for PostgreSQL (SPORTELLO_TEST_DB=postgres)
// that has no server URL, instead of silently testing SQLite twice.
func RequirePostgresInCI(tb testing.TB) {
	tb.Helper()
	if os.Getenv("SPORTELLO_TEST_DB") == "postgres" {
		testenv.Require(tb, UsingPostgres(), PostgresEnv)
	}
}

// DSN returns a fresh database for one test: "" (meaning SQLite under dataDir) or a new
// PostgreSQL database URL.
func DSN(tb testing.TB) (dsn, dataDir string) {
	tb.Helper()
	RequirePostgresInCI(tb)
	dataDir = tb.TempDir()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return "", dataDir
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sportello_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("bad %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String(), dataDir
}

// Open returns a migrated store on a fresh database, closed when the test ends.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	dsn, dir := DSN(tb)
	if dsn == "" {
		dsn = filepath.Join(dir, "test.db")
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return st
}
