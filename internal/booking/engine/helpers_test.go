package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// clock is a controllable time shared by the store, the queue and the engine.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var rome, _ = time.LoadLocation("Europe/Rome")

type fixture struct {
	st     *store.Store
	q      *jobs.Queue
	e      *engine.Engine
	clock  *clock
	office *model.Office
	svc    *booking.Service
}

// newFixture opens a fresh database (SQLite, or PostgreSQL under SPORTELLO_TEST_POSTGRES)
// with one office open Monday to Saturday 09:00-12:00 in 20-minute slots with counters
// counters, and the clock on Monday 23 November 2026 at 10:00 in Rome.
func newFixture(t testing.TB, counters int, m mail.Mailer) *fixture {
	t.Helper()
	apptest.RequirePostgresInCI(t)
	dsn, dir := apptest.DSN(t)
	if dsn == "" {
		dsn = dir + "/booking.db"
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, rome)}
	st.Now = c.Now
	o := &model.Office{Code: "test", Name: "Ufficio di prova", Address: "Via Roma 1, Milano", Active: true, Counters: counters, Lat: 45.46, Lon: 9.19}
	if err := st.CreateOffice(ctx, st.Writer(), o); err != nil {
		t.Fatal(err)
	}
	for wd := time.Monday; wd <= time.Saturday; wd++ {
		h := &model.OpeningHours{OfficeID: o.ID, Weekday: wd, OpensMin: 9 * 60, ClosesMin: 12 * 60, SlotMinutes: 20, Counters: counters}
		if err := st.AddOpeningHours(ctx, st.Writer(), h); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	q := jobs.New(st, log)
	q.Backoff = func(int) time.Duration { return time.Second }
	if m == nil {
		m = mail.Log{Logger: log}
	}
	e := engine.New(st, q, m, log, []byte("0123456789abcdef0123456789abcdef"), rome, "http://sportello.test")
	svcs, err := st.BookingServices(ctx, true)
	if err != nil || len(svcs) == 0 {
		t.Fatalf("services %v %v", svcs, err)
	}
	return &fixture{st: st, q: q, e: e, clock: c, office: o, svc: svcs[0]}
}

// at returns a local time on the day n days after the fixture's start day.
func at(days, hour, min int) time.Time {
	return time.Date(2026, 11, 23+days, hour, min, 0, 0, rome)
}

func (f *fixture) req(start time.Time, people int, mode booking.Mode) engine.Request {
	return engine.Request{OfficeID: f.office.ID, ServiceID: f.svc.ID, Start: start, People: people, Mode: mode}
}

// cf returns a valid codice fiscale number i (distinct per i), computing the check
// character by trying all 26 letters against the validator.
func cf(i int) string {
	base := fmt.Sprintf("RSSMRA%02dA01F205", 50+i%50)
	if i >= 50 {
		base = fmt.Sprintf("BNCLRA%02dB41F205", i%50+10)
	}
	for c := 'A'; c <= 'Z'; c++ {
		if codicefiscale.Valid(base + string(c)) {
			return base + string(c)
		}
	}
	panic("no check character for " + base)
}

func person(i int) booking.Person {
	return booking.Person{Name: "Mario", Surname: fmt.Sprintf("Rossi%d", i), CF: cf(i)}
}

func contact(i int) booking.Contact {
	return booking.Contact{Email: fmt.Sprintf("cittadino%d@example.it", i), Phone: "+39 02 1234567", Lang: "it"}
}

// book holds and confirms a booking for person i.
func (f *fixture) book(t *testing.T, start time.Time, i int) *booking.Booking {
	t.Helper()
	_, tok, err := f.e.Hold(context.Background(), f.req(start, 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatalf("hold: %v", err)
	}
	b, err := f.e.Confirm(context.Background(), tok, []booking.Person{person(i)}, contact(i))
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return b
}

func (f *fixture) used(t *testing.T, start time.Time) int {
	t.Helper()
	u, err := f.st.SlotUsage(context.Background(), f.office.ID, start, start.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return u[start.UnixMicro()]
}
