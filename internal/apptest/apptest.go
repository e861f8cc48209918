// Package apptest starts the whole Sportello application on a fresh temporary database
// for tests (pocketbase's ApiScenario idea): SQLite by default, PostgreSQL when
// SPORTELLO_TEST_POSTGRES holds a server URL, in which case each test gets its own
// database, dropped at the end.
package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/app"
	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/testdb"
)

// PostgresEnv names the variable that switches the suite to PostgreSQL.
const PostgresEnv = testdb.PostgresEnv

// DSN returns a fresh database for one test (see testdb.DSN).
func DSN(tb testing.TB) (dsn, dataDir string) {
	tb.Helper()
	return testdb.DSN(tb)
}

// App is a running application with its base URL.
type App struct {
	*app.App
	URL string
	// Log holds everything the app logged, for assertions and failure output.
	Log *bytes.Buffer
}

// Options tweak the application before it starts.
type Options struct {
	NoDemo    bool
	Configure func(*config.Config)
}

// New starts the app on 127.0.0.1 with a random port and stops it when the test ends.
func New(tb testing.TB, opts ...Options) *App {
	tb.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	dsn, dir := DSN(tb)
	cfg := config.Default()
	// A fixed free port, so the base URL in links and receipts is known before the app
	// is built; the tiny window between closing and re-binding is acceptable in tests.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Addr = l.Addr().String()
	l.Close()
	cfg.BaseURL = "http://" + cfg.Addr
	cfg.DataDir = dir
	cfg.DB = dsn
	cfg.NoDemo = o.NoDemo
	cfg.SecretKey = strings.Repeat("ab", 32)
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	logBuf := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logBuf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, io.Discard)
	if err != nil {
		cancel()
		tb.Fatalf("app.New: %v", err)
	}
	addr, err := a.Listen()
	if err != nil {
		cancel()
		a.Close()
		tb.Fatalf("listen: %v", err)
	}
	base := "http://" + addr
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("app.Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			tb.Errorf("app did not stop within 20s")
		}
		a.Close()
		if tb.Failed() {
			tb.Logf("app log:\n%s", tail(logBuf.String(), 4000))
		}
	})
	return &App{App: a, URL: base, Log: logBuf}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// CreateUser adds an account directly in the store and returns its password.
func (a *App) CreateUser(tb testing.TB, username string, role model.Role) string {
	tb.Helper()
	pw := "pw-" + username + "-0123456789"
	hash, err := auth.HashPassword(pw)
	if err != nil {
		tb.Fatal(err)
	}
	if err := a.Store.CreateUser(context.Background(), &model.User{Username: username, Role: role, PasswordHash: hash}); err != nil {
		tb.Fatalf("create user %s: %v", username, err)
	}
	return pw
}

// Client is an HTTP client with a cookie jar that does not follow redirects, so tests
// see the 303s the pages send.
func (a *App) Client(tb testing.TB) *http.Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Login posts the login form and fails the test unless it redirects.
func (a *App) Login(tb testing.TB, c *http.Client, username, password string) {
	tb.Helper()
	res, err := c.PostForm(a.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		tb.Fatalf("login %s: status %d, want 303", username, res.StatusCode)
	}
}

// UsingPostgres tells whether this run targets PostgreSQL.
func UsingPostgres() bool { return testdb.UsingPostgres() }

// RequirePostgresInCI fails a CI run that was meant for PostgreSQL but has no server.
func RequirePostgresInCI(tb testing.TB) {
	tb.Helper()
	testdb.RequirePostgresInCI(tb)
}

// Fatalf-free helper for scenario tables.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(fmt.Errorf("apptest: %w", err))
	}
}
