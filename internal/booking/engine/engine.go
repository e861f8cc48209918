// Package engine runs online booking: availability, hold → confirm, cancel, move,
// reconfirmation and the clerk's actions, each as one database transaction whose
// capacity changes go through store.ApplyUnits, plus the jobs that e-mail citizens and
// return capacity. Its clock is the store's (Store.Now), so tests move time for the
// whole system at once.
package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Engine holds what booking needs; build it with New.
type Engine struct {
	Store   *store.Store
	Queue   *jobs.Queue
	Mailer  mail.Mailer
	Log     *slog.Logger
	Key     []byte
	Loc     *time.Location
	BaseURL string
	// Metrics is optional; nil counts nothing.
	Metrics *Metrics
	// Holidays close their days like a closure: national holidays always, the patron
	// saint's day when the comune sets it. Set it before the first request.
	Holidays booking.Holidays
	// Organizer is the comune's sender, named in calendar files so that updates and
	// cancellations replace the event a calendar imported (RFC 5546).
	Organizer booking.Party
	// CalendarUID names the calendar event of a booking another module made and
	// already told the citizen about (a campaign appointment's event has its
	// proposal's UID), and the sequence that event had before the booking (added to
	// the booking's version, so every change still outranks the last); "" keeps the
	// booking's own. nil: every booking its own.
	CalendarUID func(ctx context.Context, b *booking.Booking) (uid string, seqBase int, err error)
	// StatusChanged learns, inside SetStatus's transaction, what the clerk recorded at
	// the counter (b.State, changed from from, by whom), so another module's record
	// follows it in the same commit or the status is refused with it: a campaign
	// citizen whose application was taken is issued. nil: nobody follows.
	StatusChanged func(ctx context.Context, tx *store.Tx, b *booking.Booking, from, by string) error
	// Cancelled learns, inside the transaction that cancels confirmed booking b (by a
	// clerk, the citizen or the system), so another module's record follows in the
	// same commit instead of at its next sync: a campaign appointment's citizen goes
	// back to the campaign for a new proposal. replanned says so, and the cancellation
	// e-mail then tells the citizen a new proposal will come, in Italian and English
	// like the campaign's own mails. nil: nobody follows.
	Cancelled func(ctx context.Context, tx *store.Tx, b *booking.Booking, by string) (replanned bool, err error)

	avail *availCache
	cat   catalog
}

// New makes an engine and registers its jobs on q.
func New(st *store.Store, q *jobs.Queue, m mail.Mailer, log *slog.Logger, key []byte, loc *time.Location, baseURL string) *Engine {
	e := &Engine{Store: st, Queue: q, Mailer: m, Log: log, Key: key, Loc: loc, BaseURL: baseURL, avail: newAvailCache(), cat: catalog{offices: map[int64]*officeInfo{}}}
	e.registerJobs()
	return e
}

func (e *Engine) now() time.Time { return e.Store.Now() }

// ErrHoldExpired tells a citizen the minutes to fill in the form ran out.
var ErrHoldExpired = model.Errorf(model.ECONFLICT, "the time you chose was held for you only for a few minutes and has been released: please choose it again")

// plan is a validated request for capacity: where, when and how much.
type plan struct {
	office   *model.Office
	service  *booking.Service
	settings booking.Settings
	slots    []booking.Slot
	units    []booking.Unit
	end      time.Time
}

func (p *plan) capOf(start int64) int {
	for _, s := range p.slots {
		if s.Start.UnixMicro() == start {
			return s.Capacity
		}
	}
	return 0
}

// Request names the capacity a booking needs.
type Request struct {
	OfficeID  int64
	ServiceID int64
	Start     time.Time
	People    int
	Mode      booking.Mode
}

// plan checks a request against the office's calendar and rules. Citizens must stay in
// the booking window; clerks may book any future slot.
func (e *Engine) plan(ctx context.Context, r Request, citizen bool) (*plan, error) {
	if r.People < 1 || r.People > booking.MaxPeople {
		return nil, model.FieldError("people", "a booking is for 1 to 6 people")
	}
	if r.Mode != booking.Parallel {
		r.Mode = booking.Consecutive
	}
	info, err := e.officeInfo(ctx, r.OfficeID)
	if err != nil {
		return nil, err
	}
	o, st := info.office, info.settings
	if !o.Active {
		return nil, model.Errorf(model.ENOTFOUND, "this office takes no bookings")
	}
	svc, err := e.serviceAt(ctx, info, r.ServiceID)
	if err != nil {
		return nil, err
	}
	now := e.now()
	if !r.Start.After(now) {
		return nil, model.FieldError("start", "this time has already passed")
	}
	day := booking.Midnight(r.Start, e.Loc)
	if citizen && !st.InWindow(day, now, e.Loc) {
		return nil, model.FieldError("start", "this day is outside the booking window")
	}
	slots := info.slots(day, e.Loc, citizen)
	units, end, ok := booking.Demand(slots, r.Start, svc.Minutes, r.People, r.Mode)
	if !ok {
		return nil, model.FieldError("start", "this is not a bookable time for this service and number of people")
	}
	return &plan{office: o, service: svc, settings: st, slots: slots, units: units, end: end}, nil
}

// serviceAt returns an active service the office offers.
func (e *Engine) serviceAt(ctx context.Context, info *officeInfo, serviceID int64) (*booking.Service, error) {
	svcs, err := e.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		if s.ID == serviceID && s.Active && (info.allowed == nil || info.allowed[s.ID]) {
			return s, nil
		}
	}
	return nil, model.FieldError("service", "this office does not offer the chosen service")
}

// takeCapacity runs fn (which applies capacity changes) in a transaction; when a slot is
// full it first returns capacity that expired holds and finished hold-backs still keep
// at those slots, then tries once more. The cleanup is lazy so a slot frees up at the
// exact minute its hold expires, not at the next sweep.
func (e *Engine) takeCapacity(ctx context.Context, officeID int64, starts []int64, fn func(tx *store.Tx) error) error {
	err := e.Store.InGroupTx(ctx, fn)
	if !errors.Is(err, store.ErrSlotTaken) {
		return err
	}
	var freed bool
	ferr := e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		ids, err := e.Store.StaleHoldersAt(ctx, tx, officeID, starts, e.now())
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := e.releaseIn(ctx, tx, id); err != nil {
				return err
			}
		}
		freed = len(ids) > 0
		return nil
	})
	if ferr != nil {
		return ferr
	}
	if !freed {
		return err
	}
	return e.Store.InGroupTx(ctx, fn)
}

// releaseIn returns the capacity of booking id if it is due, inside tx.
func (e *Engine) releaseIn(ctx context.Context, tx *store.Tx, id int64) error {
	b, err := e.Store.BookingByID(ctx, tx, id)
	if err != nil {
		return err
	}
	now := e.now()
	due := (b.State == booking.StateHeld && !b.HoldExpires.After(now)) ||
		((b.State == booking.StateCancelled || b.State == booking.StateExpired) && !b.ReleaseAt.After(now))
	if b.Released || !due {
		return nil
	}
	if err := e.Store.ApplyUnits(ctx, tx, b.OfficeID, negate(b.Units), nil); err != nil {
		return err
	}
	if b.State == booking.StateHeld {
		b.State = booking.StateExpired
		e.count("expire")
	}
	b.Released = true
	e.avail.invalidate(b.OfficeID)
	return e.Store.UpdateBooking(ctx, tx, b, false)
}

// ReleaseDue returns the capacity of every expired hold and finished hold-back; the
// sweep job calls it every minute.
func (e *Engine) ReleaseDue(ctx context.Context) (int, error) {
	ids, err := e.Store.DueReleases(ctx, e.now(), 500)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error { return e.releaseIn(ctx, tx, id) }); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

func deltas(units []booking.Unit, sign int, into map[int64]int) map[int64]int {
	if into == nil {
		into = map[int64]int{}
	}
	for _, u := range units {
		into[u.Start.UnixMicro()] += sign * u.N
	}
	return into
}

func negate(units []booking.Unit) map[int64]int { return deltas(units, -1, nil) }

func starts(units []booking.Unit) []int64 {
	out := make([]int64, len(units))
	for i, u := range units {
		out[i] = u.Start.UnixMicro()
	}
	return out
}

// newCode draws a booking reference: 8 characters without look-alikes (no 0/O, 1/I/L).
func newCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// ManageURL is the signed link to view, cancel or move a booking; it works until the
// day after the appointment and stops working when the booking changes version.
func (e *Engine) ManageURL(b *booking.Booking) string {
	return e.BaseURL + "/prenota/gestisci/" + e.ManageToken(b)
}

// ManageToken is the signed token of ManageURL.
func (e *Engine) ManageToken(b *booking.Booking) string {
	return booking.Sign(e.Key, booking.PurposeManage, b.ID, b.Version, b.End.Add(24*time.Hour))
}

// HoldToken is the signed token that lets the holder confirm a held booking.
func (e *Engine) HoldToken(b *booking.Booking) string {
	return booking.Sign(e.Key, booking.PurposeHold, b.ID, b.Version, b.HoldExpires)
}

func describe(b *booking.Booking) string { return fmt.Sprintf("booking:%d", b.ID) }
