package engine

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

// officeInfo is everything the slot rules need about one office, read together and
// kept for at most catalogTTL: a calendar view or a hold then costs no schedule
// queries. A clerk's edit on this instance (Invalidate) drops it at once.
type officeInfo struct {
	office   *model.Office
	settings booking.Settings
	hours    []*model.OpeningHours
	allowed  map[int64]bool // nil: every active service
	closed   map[string]bool
	holidays booking.Holidays
	openings map[string][]booking.Opening
	at       time.Time

	// Citizens see only the hours and openings already released at `at` (clerks see
	// all); until is the next release among the rest, when this snapshot must go so
	// the new capacity appears at that instant and not a cache lifetime later.
	citizenHours    []*model.OpeningHours
	citizenOpenings map[string][]booking.Opening
	until           time.Time

	// memo keeps each day's slots while this snapshot lives: every hold and every
	// availability computation needs them, and they only change with the schedule.
	// The slices are shared, so callers must not modify them.
	memoMu sync.Mutex
	memo   [2]map[int64][]booking.Slot // [clerk, citizen], by the day's Unix seconds
}

// fresh reports whether the snapshot may still answer at now.
func (info *officeInfo) fresh(now time.Time) bool {
	return now.Sub(info.at) < catalogTTL && !now.Before(info.at) && (info.until.IsZero() || now.Before(info.until))
}

// hides notes a release after the snapshot's time: the row is hidden from citizens
// until then, and the snapshot lives no longer.
func (info *officeInfo) hides(visible time.Time) bool {
	if !visible.After(info.at) {
		return false
	}
	if info.until.IsZero() || visible.Before(info.until) {
		info.until = visible
	}
	return true
}

// catalogTTL bounds how stale another instance's schedule edit can look here.
const catalogTTL = time.Second

type catalog struct {
	// flight makes a burst of requests that find the cache stale wait for one reload
	// instead of all querying the database at once.
	flight   singleflight.Group
	mu       sync.Mutex
	offices  map[int64]*officeInfo
	services []*booking.Service
	byCode   map[string]int64 // office code → id
	at       time.Time
}

func (e *Engine) officeInfo(ctx context.Context, officeID int64) (*officeInfo, error) {
	now := e.now()
	e.cat.mu.Lock()
	info := e.cat.offices[officeID]
	e.cat.mu.Unlock()
	if info != nil && info.fresh(now) {
		return info, nil
	}
	v, err, _ := e.cat.flight.Do("office:"+strconv.FormatInt(officeID, 10), func() (any, error) {
		return e.loadOfficeInfo(ctx, officeID, now)
	})
	if err != nil {
		return nil, err
	}
	return v.(*officeInfo), nil
}

func (e *Engine) loadOfficeInfo(ctx context.Context, officeID int64, now time.Time) (*officeInfo, error) {
	o, err := e.Store.OfficeByID(ctx, officeID)
	if err != nil {
		return nil, err
	}
	info := &officeInfo{office: o, at: now, closed: map[string]bool{}, holidays: e.Holidays, openings: map[string][]booking.Opening{}, citizenOpenings: map[string][]booking.Opening{}}
	if info.settings, err = e.Store.BookingSettings(ctx, o.ID); err != nil {
		return nil, err
	}
	if info.hours, err = e.Store.OpeningHours(ctx, o.ID); err != nil {
		return nil, err
	}
	vis, err := e.Store.OpeningHoursVisibleFrom(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range info.hours {
		if !info.hides(vis[h.ID]) {
			info.citizenHours = append(info.citizenHours, h)
		}
	}
	ids, err := e.Store.OfficeServiceIDs(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		info.allowed = map[int64]bool{}
		for _, id := range ids {
			info.allowed[id] = true
		}
	}
	from := booking.Midnight(now, e.Loc).AddDate(0, 0, -1).Format(booking.DayFormat)
	cl, err := e.Store.Closures(ctx, o.ID, from, "9999-12-31")
	if err != nil {
		return nil, err
	}
	for _, c := range cl {
		info.closed[c.Day] = true
	}
	ops, err := e.Store.Openings(ctx, o.ID, from, "9999-12-31")
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		info.openings[op.Day] = append(info.openings[op.Day], op)
		if !info.hides(op.VisibleFrom) {
			info.citizenOpenings[op.Day] = append(info.citizenOpenings[op.Day], op)
		}
	}
	e.cat.mu.Lock()
	e.cat.offices[officeID] = info
	e.cat.mu.Unlock()
	return info, nil
}

// slots returns the slots of day from the cached schedule, as citizens see it (only
// released hours and openings) or as clerks do.
func (info *officeInfo) slots(day time.Time, loc *time.Location, citizen bool) []booking.Slot {
	k, m := day.Unix(), 0
	if citizen {
		m = 1
	}
	info.memoMu.Lock()
	s, ok := info.memo[m][k]
	info.memoMu.Unlock()
	if ok {
		return s
	}
	ds := day.Format(booking.DayFormat)
	l := booking.DayLayout{Weekly: info.hours, Closed: info.closed[ds] || info.holidays.Is(day), Openings: info.openings[ds]}
	if citizen {
		l.Weekly, l.Openings = info.citizenHours, info.citizenOpenings[ds]
	}
	s = booking.DaySlots(day, loc, l)
	info.memoMu.Lock()
	if info.memo[m] == nil {
		info.memo[m] = map[int64][]booking.Slot{}
	}
	if len(info.memo[m]) < 1000 {
		info.memo[m][k] = s
	}
	info.memoMu.Unlock()
	return s
}

// refreshCatalog reloads services and office codes when older than catalogTTL.
func (e *Engine) refreshCatalog(ctx context.Context) error {
	now := e.now()
	e.cat.mu.Lock()
	fresh := e.cat.byCode != nil && now.Sub(e.cat.at) < catalogTTL && !now.Before(e.cat.at)
	e.cat.mu.Unlock()
	if fresh {
		return nil
	}
	_, err, _ := e.cat.flight.Do("catalog", func() (any, error) { return nil, e.loadCatalog(ctx, now) })
	return err
}

func (e *Engine) loadCatalog(ctx context.Context, now time.Time) error {
	svcs, err := e.Store.BookingServices(ctx, false)
	if err != nil {
		return err
	}
	offices, err := e.Store.ListOffices(ctx, false)
	if err != nil {
		return err
	}
	byCode := make(map[string]int64, len(offices))
	for _, o := range offices {
		byCode[o.Code] = o.ID
	}
	e.cat.mu.Lock()
	e.cat.services, e.cat.byCode, e.cat.at = svcs, byCode, now
	e.cat.mu.Unlock()
	return nil
}

// Services returns every service (active or not), from the catalog cache.
func (e *Engine) Services(ctx context.Context) ([]*booking.Service, error) {
	if err := e.refreshCatalog(ctx); err != nil {
		return nil, err
	}
	e.cat.mu.Lock()
	defer e.cat.mu.Unlock()
	return e.cat.services, nil
}

// ServiceByCode finds an active service by code.
func (e *Engine) ServiceByCode(ctx context.Context, code string) (*booking.Service, error) {
	svcs, err := e.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		if s.Code == code && s.Active {
			return s, nil
		}
	}
	return nil, model.Errorf(model.ENOTFOUND, "no such service")
}

// ActiveOffice finds an office that takes bookings by its code.
func (e *Engine) ActiveOffice(ctx context.Context, code string) (*model.Office, error) {
	if err := e.refreshCatalog(ctx); err != nil {
		return nil, err
	}
	e.cat.mu.Lock()
	id, ok := e.cat.byCode[code]
	e.cat.mu.Unlock()
	if !ok {
		return nil, model.Errorf(model.ENOTFOUND, "no such office")
	}
	info, err := e.officeInfo(ctx, id)
	if err != nil {
		return nil, err
	}
	if !info.office.Active {
		return nil, model.Errorf(model.ENOTFOUND, "no such office")
	}
	return info.office, nil
}

// InvalidateCatalog drops the cached services and office list after an edit.
func (e *Engine) InvalidateCatalog() {
	e.cat.mu.Lock()
	e.cat.byCode, e.cat.offices = nil, map[int64]*officeInfo{}
	e.cat.mu.Unlock()
}

// Office returns an office (active or not) from the cache.
func (e *Engine) Office(ctx context.Context, id int64) (*model.Office, error) {
	info, err := e.officeInfo(ctx, id)
	if err != nil {
		return nil, err
	}
	return info.office, nil
}

// NextRelease is when hours or an opening an admin adds now reach citizens: the
// office's next release minute, so new capacity never appears at a random moment that
// favours whoever polls the most.
func (e *Engine) NextRelease(ctx context.Context, officeID int64) (time.Time, error) {
	info, err := e.officeInfo(ctx, officeID)
	if err != nil {
		return time.Time{}, err
	}
	return info.settings.NextRelease(e.now(), e.Loc), nil
}
