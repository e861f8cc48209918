package plan

import (
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// Slot is one appointment start of an office's day: Minute after local midnight, and
// how many people it may take at once (the counters free for the campaign).
type Slot struct {
	Minute   int
	Capacity int
}

// Calendar is an office's appointment slots per day, keyed by the date as
// "2006-01-02", in start order. A date without slots is a day the office is closed
// (weekend, holiday, closure); an exceptional opening is just a date with slots. The
// caller builds it from the booking calendar, so the plan knows nothing of where the
// hours come from.
type Calendar map[string][]Slot

// The default day of an office whose calendar is not given (the CLI with OFFICES.csv
// and no database): Monday to Friday except the national holidays, 08:30–16:30, a start every defaultStep minutes,
// with no limit on the people at one start, since the counters are not known either.
const (
	openMinute  = 8*60 + 30
	closeMinute = 16*60 + 30
	defaultStep = 15
)

var defaultSlots = func() []Slot {
	var s []Slot
	for m := openMinute; m < closeMinute; m += defaultStep {
		s = append(s, Slot{Minute: m, Capacity: 1 << 30})
	}
	return s
}()

// slotsOn returns office o's slots on day.
func (o *Office) slotsOn(day time.Time) []Slot {
	if o.Calendar == nil {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || (booking.Holidays{}).Is(day) {
			return nil
		}
		return defaultSlots
	}
	return o.Calendar[day.Format(time.DateOnly)]
}

// fitCalendars returns offices with each week's capacity no larger than what the
// office's calendar holds that week, so the flow never sends an office-week more
// people than its days have starts for (a typed capacity above the hours, a holiday
// week) and fill has room for everyone the flow placed. offices is not changed.
func fitCalendars(offices []Office, p Params) []Office {
	var out []Office
	for i := range offices {
		o := &offices[i]
		if o.Calendar == nil {
			continue
		}
		if out == nil {
			out = append([]Office(nil), offices...)
		}
		weekly := make([]int, p.Weeks)
		for w := range weekly {
			room := 0
			for d := 0; d < 7; d++ {
				for _, s := range o.slotsOn(p.Start.AddDate(0, 0, 7*w+d)) {
					room += max(s.Capacity, 0)
				}
			}
			weekly[w] = min(o.CapacityAt(w), room)
		}
		out[i].Weekly = weekly
	}
	if out == nil {
		return offices
	}
	return out
}
