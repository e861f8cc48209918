package booking

import (
	"fmt"
	"time"
)

// DayFormat is how days travel in URLs, forms and the database.
const DayFormat = "2006-01-02"

// ParseDay parses YYYY-MM-DD as local midnight in loc.
func ParseDay(s string, loc *time.Location) (time.Time, error) {
	if len(s) != len(DayFormat) {
		return time.Time{}, fmt.Errorf("day %q: want YYYY-MM-DD", s)
	}
	return time.ParseInLocation(DayFormat, s, loc)
}

// Midnight returns local midnight of t's day in loc.
func Midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Window returns the first and last bookable day (local midnights) at now. The last day
// advances only at the release minute, so everybody knows when new capacity appears.
func (s *Settings) Window(now time.Time, loc *time.Location) (first, last time.Time) {
	today := Midnight(now, loc)
	first = today.AddDate(0, 0, s.MinDays)
	last = today.AddDate(0, 0, s.MaxDays)
	local := now.In(loc)
	if local.Hour()*60+local.Minute() < s.ReleaseMin {
		last = last.AddDate(0, 0, -1)
	}
	return first, last
}

// InWindow reports whether day (local midnight) is bookable at now.
func (s *Settings) InWindow(day, now time.Time, loc *time.Location) bool {
	first, last := s.Window(now, loc)
	d := Midnight(day, loc)
	return !d.Before(first) && !d.After(last)
}

// NextRelease is the first release minute after now: capacity added now reaches citizens
// then, together with the window's new day, instead of whenever an admin saves it.
func (s *Settings) NextRelease(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	y, m, d := local.Date()
	if local.Hour()*60+local.Minute() >= s.ReleaseMin {
		d++
	}
	return time.Date(y, m, d, 0, s.ReleaseMin, 0, 0, loc)
}
