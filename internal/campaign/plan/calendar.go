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
// and no database): Monday to Friday except the holidays (Params.Holidays: the national
// ones and the patron saint's day), 08:30–16:30, a start every defaultStep minutes,
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

// slotsOn returns office o's slots on day; hol closes the default calendar's days (a
// given calendar has its holidays already).
func (o *Office) slotsOn(day time.Time, hol booking.Holidays) []Slot {
	if o.Calendar == nil {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || hol.Is(day) {
			return nil
		}
		return defaultSlots
	}
	return o.Calendar[day.Format(time.DateOnly)]
}

// defaultDays is how many days a week the default calendar is open.
const defaultDays = 5

// fitCalendars returns offices with each week's capacity no larger than what the
// office's calendar holds that week, so the flow never sends an office-week more
// people than its days have starts for (a typed capacity above the hours, a holiday
// week) and fill has room for everyone the flow placed. An office on the default
// calendar has its capacity_per_week for a week of five working days: a week with a
// holiday gets that share of it (a week given one by one in Weekly is taken as
// given, holidays counted). offices is not changed.
func fitCalendars(offices []Office, p Params) []Office {
	var out []Office
	for i := range offices {
		o := &offices[i]
		if out == nil {
			out = append([]Office(nil), offices...)
		}
		weekly := make([]int, p.Weeks)
		for w := range weekly {
			room, open := 0, 0
			for d := 0; d < 7; d++ {
				slots := o.slotsOn(p.Start.AddDate(0, 0, 7*w+d), p.Holidays)
				for _, s := range slots {
					room = min(room+max(s.Capacity, 0), 1<<40)
				}
				if len(slots) > 0 {
					open++
				}
			}
			switch {
			case o.Calendar != nil:
				weekly[w] = min(o.CapacityAt(w), room)
			case w < len(o.Weekly):
				weekly[w] = o.Weekly[w]
			default:
				weekly[w] = (2*o.Capacity*open + defaultDays) / (2 * defaultDays) // rounded
			}
		}
		out[i].Weekly = weekly
	}
	if out == nil {
		return offices
	}
	return out
}
