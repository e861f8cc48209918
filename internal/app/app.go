// Package app is the one place where Sportello is wired together: configuration in,
// store, job queue and web server out, closed in reverse order.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/badge"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/web"
)

// App is a running Sportello: everything `sportello serve` starts.
type App struct {
	Config config.Config
	Log    *slog.Logger
	Store  *store.Store
	Queue  *jobs.Queue
	Web    *web.Server
	// Badges verifies CIE badges; the card CLI uses it to enrol.
	Badges *badge.Service
	// Mailer sends every e-mail (booking, campaign): SMTP when configured, else the log.
	Mailer mail.Mailer

	// Workers is the size of the job worker pool.
	Workers int
	// Banner receives the one-time admin password on first start.
	Banner io.Writer

	listener  net.Listener
	http      *http.Server
	schedules []schedule
	runners   []func(context.Context)
}

// background asks Run to run fn until the job context ends (listeners of feature
// protocols, such as the phone line).
func (a *App) background(fn func(context.Context)) { a.runners = append(a.runners, fn) }

// schedule is periodic work a feature asks for; Run starts it with the workers and
// stops it with them.
type schedule struct {
	every time.Duration
	kind  string
}

// every asks Run to enqueue a job of kind once per interval.
func (a *App) every(interval time.Duration, kind string) {
	a.schedules = append(a.schedules, schedule{interval, kind})
}

// New opens and migrates the database, seeds it when empty and builds the services.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, banner io.Writer) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Workers: 4, Banner: banner}
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	a.Store = st
	if applied, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	} else if len(applied) > 0 {
		log.Info("migrations applied", "count", len(applied), "database", string(st.Dialect()))
	}
	if !cfg.NoDemo {
		if seeded, err := st.SeedDemo(ctx); err != nil {
			st.Close()
			return nil, fmt.Errorf("seed demo: %w", err)
		} else if seeded {
			log.Info("demo comune seeded", "comune", "Comune di Milano")
		}
	}
	if err := a.ensureAdmin(ctx); err != nil {
		st.Close()
		return nil, err
	}
	key, err := cfg.Key()
	if err == nil {
		err = st.CheckKeyFingerprint(ctx, config.KeyFingerprint(key), true)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Queue = jobs.New(st, log)
	a.Mailer = mail.Log{Logger: log}
	if cfg.SMTPAddr != "" {
		a.Mailer = &mail.SMTP{Addr: cfg.SMTPAddr, From: cfg.MailFrom}
	} else {
		log.Warn("no SMTP server configured (--smtp-addr): e-mails are only logged; the campaign refuses to send e-mail proposals and pages say to phone instead")
	}
	mail.Register(a.Queue, a.Mailer)
	a.registerJobs()
	a.every(time.Hour, "sessions.cleanup")
	a.every(time.Hour, "audit.checkpoint")
	deps := web.Deps{Config: cfg, Store: st, Queue: a.Queue, Log: log, Key: key, Registry: reg}
	for _, wire := range []func(context.Context, *web.Deps) error{a.wireBooking, a.wirePhoto, a.wireCampaign, a.wireCard} {
		if err := wire(ctx, &deps); err != nil {
			st.Close()
			return nil, err
		}
	}
	a.Web, err = web.New(deps)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// ensureAdmin creates the first admin on an empty user table and prints its one-time
// password once: it is never logged and never stored in clear.
func (a *App) ensureAdmin(ctx context.Context) error {
	n, err := a.Store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := auth.RandomPassword()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	u := &model.User{Username: "admin", DisplayName: "Amministratore", Role: model.RoleAdmin, PasswordHash: hash}
	if err := a.Store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, model.ErrConflict) { // another instance won the race
			return nil
		}
		return err
	}
	if err := a.Store.Audit(ctx, &model.AuditEntry{Actor: "system", Action: "user.create", Object: fmt.Sprintf("user:%d", u.ID), Detail: "first admin"}); err != nil {
		return err
	}
	if a.Banner != nil {
		fmt.Fprintf(a.Banner, "\n  First start: admin account created.\n  Username: admin\n  Password: %s\n  (shown only this once; change it by creating a new admin and disabling this one)\n\n", pw)
	}
	return nil
}

func (a *App) registerJobs() {
	// The checkpoint copies the audit head out of the database, into the log: with it
	// `audit verify --expect-head` detects removal of the newest rows.
	a.Queue.Register("audit.checkpoint", func(ctx context.Context, _ []byte) error {
		id, h, err := a.Store.AuditHead(ctx)
		if err == nil {
			a.Log.Info("audit_checkpoint", "head", fmt.Sprintf("%d:%x", id, h))
		}
		return err
	})
	a.Queue.Register("sessions.cleanup", func(ctx context.Context, _ []byte) error {
		n, err := a.Store.DeleteExpiredSessions(ctx)
		if n > 0 {
			a.Log.Info("expired sessions removed", "count", n)
		}
		return err
	})
}

// Listen binds the address now so callers (and tests using ":0") learn the real port
// before Run.
func (a *App) Listen() (string, error) {
	l, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return "", err
	}
	a.listener = l
	return l.Addr().String(), nil
}

// Run serves HTTP and runs the workers until ctx ends, then shuts down in order:
// HTTP first (finish in-flight requests), then jobs, then the database (Close).
func (a *App) Run(ctx context.Context) error {
	if a.listener == nil {
		if _, err := a.Listen(); err != nil {
			return err
		}
	}
	a.http = a.Web.HTTPServer(a.Config.Addr)
	jobCtx, stopJobs := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.Queue.Run(jobCtx, a.Workers) }()
	for _, sc := range a.schedules {
		wg.Add(1)
		go func() { defer wg.Done(); a.Queue.Every(jobCtx, sc.every, sc.kind) }()
	}
	for _, fn := range a.runners {
		wg.Add(1)
		go func() { defer wg.Done(); fn(jobCtx) }()
	}

	errc := make(chan error, 1)
	go func() { errc <- a.http.Serve(a.listener) }()
	a.Log.Info("server started", "addr", a.listener.Addr().String(), "base_url", a.Config.BaseURL, "database", string(a.Store.Dialect()))

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := a.http.Shutdown(shutCtx); err != nil {
		a.Log.Warn("http shutdown", "error", err)
	}
	stopJobs()
	wg.Wait()
	a.Log.Info("server stopped")
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// Close releases the database; call it after Run returns.
func (a *App) Close() error { return a.Store.Close() }
