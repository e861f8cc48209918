package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

// Query asks for the free times of a service at an office between two days.
type Query struct {
	OfficeID  int64
	ServiceID int64
	People    int
	Mode      booking.Mode
	From, To  time.Time // local midnights, inclusive; clamped to the booking window
	// Clerk includes hours and openings not yet released to citizens.
	Clerk bool
}

// Day is one day of the calendar with its free start times.
type Day struct {
	Date  time.Time
	Times []time.Time
}

// maxRange bounds one availability query, so a request cannot make the server walk years.
const maxRange = 92

// Availability lists the days in the window with at least one free start time for the
// request. Answers are cached per office for at most a second and dropped at once when
// this process changes the office's bookings, so a burst of calendar views costs a
// handful of queries; another instance's changes show within the second. A stale view
// can only offer a time that a hold then refuses, never overbook.
func (e *Engine) Availability(ctx context.Context, q Query) ([]Day, error) {
	if q.People < 1 || q.People > booking.MaxPeople {
		return nil, model.FieldError("people", "a booking is for 1 to 6 people")
	}
	if q.Mode != booking.Parallel {
		q.Mode = booking.Consecutive
	}
	now := e.now()
	key := availKey{q.OfficeID, q.ServiceID, q.People, q.Mode, q.From.Unix(), q.To.Unix(), q.Clerk}
	if days, ok := e.avail.get(key, now); ok {
		return days, nil
	}
	v, err, _ := e.avail.flight.Do(fmt.Sprint(key), func() (any, error) {
		gen := e.avail.generation(q.OfficeID)
		days, until, err := e.computeAvailability(ctx, q, now)
		if err == nil {
			e.avail.put(key, gen, now, until, days)
		}
		return days, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]Day), nil
}

// computeAvailability also returns until, the next release of capacity the answer
// leaves out (zero: none), past which it must not be reused.
func (e *Engine) computeAvailability(ctx context.Context, q Query, now time.Time) (_ []Day, until time.Time, _ error) {
	info, err := e.officeInfo(ctx, q.OfficeID)
	if err != nil {
		return nil, until, err
	}
	if !q.Clerk {
		until = info.until
	}
	days, err := e.availableDays(ctx, info, q, now)
	return days, until, err
}

func (e *Engine) availableDays(ctx context.Context, info *officeInfo, q Query, now time.Time) ([]Day, error) {
	o, st := info.office, info.settings
	if !o.Active {
		return nil, model.Errorf(model.ENOTFOUND, "this office takes no bookings")
	}
	svc, err := e.serviceAt(ctx, info, q.ServiceID)
	if err != nil {
		return nil, err
	}
	first, last := st.Window(now, e.Loc)
	from, to := booking.Midnight(q.From, e.Loc), booking.Midnight(q.To, e.Loc)
	if from.Before(first) {
		from = first
	}
	if to.After(last) {
		to = last
	}
	if to.Before(from) {
		return []Day{}, nil
	}
	if to.Sub(from) > maxRange*24*time.Hour {
		to = from.AddDate(0, 0, maxRange)
	}
	used, err := e.Store.SlotUsage(ctx, o.ID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	days := []Day{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		slots := info.slots(d, e.Loc, !q.Clerk)
		capOf := make(map[int64]int, len(slots))
		for _, s := range slots {
			capOf[s.Start.UnixMicro()] = s.Capacity
		}
		var times []time.Time
		for _, s := range slots {
			if !s.Start.After(now) {
				continue
			}
			units, _, ok := booking.Demand(slots, s.Start, svc.Minutes, q.People, q.Mode)
			if !ok || !fits(capOf, used, units) {
				continue
			}
			times = append(times, s.Start)
		}
		if len(times) > 0 {
			days = append(days, Day{Date: d, Times: times})
		}
	}
	return days, nil
}

func fits(capOf, used map[int64]int, units []booking.Unit) bool {
	for _, u := range units {
		k := u.Start.UnixMicro()
		if used[k]+u.N > capOf[k] {
			return false
		}
	}
	return true
}

// Window returns an office's booking window at the current time.
func (e *Engine) Window(ctx context.Context, officeID int64) (first, last time.Time, err error) {
	info, err := e.officeInfo(ctx, officeID)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	first, last = info.settings.Window(e.now(), e.Loc)
	return first, last, nil
}

type availKey struct {
	office, service int64
	people          int
	mode            booking.Mode
	from, to        int64
	clerk           bool
}

type availEntry struct {
	gen   uint64
	at    time.Time
	until time.Time // zero: only the TTL bounds the entry
	days  []Day
}

// availCache keeps recent availability answers. Each office has a generation number
// that every local change bumps; an entry from an older generation is ignored.
type availCache struct {
	flight  singleflight.Group
	mu      sync.RWMutex
	gens    map[int64]uint64
	entries map[availKey]availEntry
	TTL     time.Duration
}

func newAvailCache() *availCache {
	return &availCache{gens: map[int64]uint64{}, entries: map[availKey]availEntry{}, TTL: time.Second}
}

func (c *availCache) get(k availKey, now time.Time) ([]Day, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	en, ok := c.entries[k]
	if !ok || en.gen != c.gens[k.office] || now.Sub(en.at) >= c.TTL || now.Before(en.at) || (!en.until.IsZero() && !now.Before(en.until)) {
		return nil, false
	}
	return en.days, true
}

func (c *availCache) generation(office int64) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gens[office]
}

func (c *availCache) put(k availKey, gen uint64, now, until time.Time, days []Day) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) > 20000 {
		c.entries = map[availKey]availEntry{}
	}
	c.entries[k] = availEntry{gen: gen, at: now, until: until, days: days}
}

func (c *availCache) invalidate(office int64) {
	c.mu.Lock()
	c.gens[office]++
	c.mu.Unlock()
}

// Invalidate drops cached availability of an office after a clerk changes its hours,
// closures or openings.
func (e *Engine) Invalidate(officeID int64) { e.avail.invalidate(officeID); e.InvalidateCatalog() }
