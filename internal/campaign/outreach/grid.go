package outreach

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// The campaign's default counter day, used for an office without opening hours (it
// has no booking calendar either, so nothing is shared there).
const (
	dayOpen  = 8*60 + 30
	dayClose = 16*60 + 30
)

// renewalService is the booking service a campaign appointment is: its length cuts
// the booking slots into appointment starts (engine.CampaignService books it).
const renewalService = "cie-renewal"

// grid is when an office takes campaign appointments, from the booking calendar: the
// weekly hours with their slot length and counters, minus closures, plus exceptional
// openings, cut into appointments of the renewal's length that start on booking slots.
type grid struct {
	office   *model.Office
	hours    []*model.OpeningHours
	closed   map[string]bool
	holidays booking.Holidays
	openings map[string][]booking.Opening
	minutes  int // one appointment
	loc      *time.Location
	total    int // starts in a week of weekly hours, for parallel
	// regular is each weekday's starts on a day without closure or opening, cut once:
	// minutes after local midnight do not change with the date (nor with DST).
	regular [7][]plan.Slot
	cut7    [7]bool
}

// gridOf reads office's calendar for the campaign's days (and the few before, for a
// re-plan's first week).
func (s *Service) gridOf(ctx context.Context, officeID int64, set *store.CampaignSettings) (*grid, error) {
	o, err := s.Store.OfficeByID(ctx, officeID)
	if err != nil {
		return nil, err
	}
	g := &grid{office: o, closed: map[string]bool{}, holidays: s.Holidays, openings: map[string][]booking.Opening{}, minutes: set.MinutesPerApp, loc: s.Loc}
	if g.hours, err = s.Store.OpeningHours(ctx, officeID); err != nil {
		return nil, err
	}
	svcs, err := s.Store.BookingServices(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, sv := range svcs {
		if sv.Code == renewalService && sv.Minutes > 0 {
			g.minutes = sv.Minutes
		}
	}
	from := set.Start.AddDate(0, 0, -7).Format(time.DateOnly)
	to := set.Start.AddDate(0, 0, 7*set.Weeks).Format(time.DateOnly)
	cl, err := s.Store.Closures(ctx, officeID, from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range cl {
		g.closed[c.Day] = true
	}
	ops, err := s.Store.Openings(ctx, officeID, from, to)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		g.openings[op.Day] = append(g.openings[op.Day], op)
	}
	// a week of weekly hours only: 2024-01-01 is a Monday without closures here
	for i := 0; i < 7; i++ {
		g.total += len(g.cut(time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC), false, nil))
	}
	return g, nil
}

// day returns the appointment starts of day (a date at midnight UTC, the form of
// proposals' days), none when the office is closed or it is a holiday without an
// exceptional opening. The slice may be shared: do not change it.
func (g *grid) day(d time.Time) []plan.Slot {
	k := d.Format(time.DateOnly)
	return g.cut(d, g.closed[k] || g.holidays.Is(d), g.openings[k])
}

func (g *grid) cut(d time.Time, closed bool, openings []booking.Opening) []plan.Slot {
	if closed || len(openings) > 0 {
		return g.cutDay(d, closed, openings)
	}
	wd := d.Weekday()
	if !g.cut7[wd] {
		g.regular[wd], g.cut7[wd] = g.cutDay(d, false, nil), true
	}
	return g.regular[wd]
}

func (g *grid) cutDay(d time.Time, closed bool, openings []booking.Opening) []plan.Slot {
	if len(g.hours) == 0 && len(openings) == 0 {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || closed {
			return nil
		}
		var out []plan.Slot
		for m := dayOpen; m+g.minutes <= dayClose; m += g.minutes {
			out = append(out, plan.Slot{Minute: m, Capacity: max(g.office.Counters, 1)})
		}
		return out
	}
	local := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, g.loc)
	slots := booking.DaySlots(local, g.loc, booking.DayLayout{Weekly: g.hours, Closed: closed, Openings: openings})
	var out []plan.Slot
	for i := 0; i < len(slots); {
		units, _, ok := booking.Demand(slots, slots[i].Start, g.minutes, 1, booking.Consecutive)
		if !ok {
			i++
			continue
		}
		c := slots[i].Capacity
		for j := range units {
			c = min(c, slots[i+j].Capacity)
		}
		st := slots[i].Start.In(g.loc)
		out = append(out, plan.Slot{Minute: st.Hour()*60 + st.Minute(), Capacity: c})
		i += len(units)
	}
	return out
}

// has reports whether minute starts an appointment on day.
func (g *grid) has(d time.Time, minute int) bool {
	for _, s := range g.day(d) {
		if s.Minute == minute {
			return true
		}
	}
	return false
}

// closedOn reports whether the office takes no appointments on day at all.
func (g *grid) closedOn(d time.Time) bool { return len(g.day(d)) == 0 }

// calendar is the office's appointment starts on every day from start for weeks, as
// the optimiser takes them, each start's counters less what bookings and the
// proposals in holding already take there.
func (g *grid) calendar(start time.Time, weeks int, booked map[int64]int, proposed map[string]map[int]int) plan.Calendar {
	cal := plan.Calendar{}
	for d := start; d.Before(start.AddDate(0, 0, 7*weeks)); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		var out []plan.Slot
		for _, s := range g.day(d) {
			at := time.Date(d.Year(), d.Month(), d.Day(), s.Minute/60, s.Minute%60, 0, 0, g.loc)
			s.Capacity -= booked[at.UnixMicro()] + proposed[k][s.Minute]
			if s.Capacity > 0 {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			cal[k] = out
		}
	}
	return cal
}

// parallel is how many people one start takes: the weekly capacity spread over the
// week's starts, at least one.
func (g *grid) parallel(perWeek int) int {
	return max(1, (perWeek+g.total-1)/max(g.total, 1))
}

// minNoticeDays is how far ahead a citizen may move an appointment: the office
// prepares the day's applications, and the 72-hour rule needs the same margin.
const minNoticeDays = 3
