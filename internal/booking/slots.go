package booking

import (
	"sort"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// Slot is one bookable start time at an office: Capacity people can be seen at once.
type Slot struct {
	Start    time.Time
	Minutes  int
	Capacity int
}

// End is when the slot finishes.
func (s Slot) End() time.Time { return s.Start.Add(time.Duration(s.Minutes) * time.Minute) }

// DayLayout is what an office's calendar says about a day: the weekly periods of its
// weekday, whether it is closed and any exceptional openings.
type DayLayout struct {
	Weekly   []*model.OpeningHours // all of the office's weekly periods; filtered here
	Closed   bool
	Openings []Opening // exceptional openings of this day
}

// DaySlots generates the slots of day (local midnight in loc). A closure removes the
// weekly hours but not an exceptional opening on the same day, so a comune can close a
// day and reopen it with different hours. When periods overlap on one start the larger
// capacity wins: adding them would double-count counters listed twice.
func DaySlots(day time.Time, loc *time.Location, l DayLayout) []Slot {
	y, m, d := day.In(loc).Date()
	byStart := map[int64]Slot{}
	add := func(opens, closes, step, counters int) {
		if step <= 0 || counters <= 0 {
			return
		}
		for min := opens; min+step <= closes; min += step {
			st := time.Date(y, m, d, 0, min, 0, 0, loc)
			k := st.Unix()
			if old, ok := byStart[k]; ok && old.Capacity >= counters {
				continue
			}
			byStart[k] = Slot{Start: st, Minutes: step, Capacity: counters}
		}
	}
	if !l.Closed {
		wd := time.Date(y, m, d, 12, 0, 0, 0, loc).Weekday()
		for _, h := range l.Weekly {
			if h.Weekday == wd {
				add(h.OpensMin, h.ClosesMin, h.SlotMinutes, h.Counters)
			}
		}
	}
	for _, o := range l.Openings {
		add(o.OpensMin, o.ClosesMin, o.SlotMinutes, o.Counters)
	}
	out := make([]Slot, 0, len(byStart))
	for _, s := range byStart {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Demand returns the capacity a booking starting at start needs among the day's slots:
// each person needs enough back-to-back slots for the service; a consecutive household
// queues them one after another, a parallel one takes that many counters at once. ok is
// false when start is not a slot or the day ends (or has a gap) before the booking does.
func Demand(slots []Slot, start time.Time, serviceMinutes, people int, mode Mode) (units []Unit, end time.Time, ok bool) {
	i := sort.Search(len(slots), func(i int) bool { return !slots[i].Start.Before(start) })
	if i == len(slots) || !slots[i].Start.Equal(start) || people < 1 || serviceMinutes < 1 {
		return nil, time.Time{}, false
	}
	perPerson := (serviceMinutes + slots[i].Minutes - 1) / slots[i].Minutes
	count, n := perPerson, people
	if mode == Consecutive {
		count, n = perPerson*people, 1
	}
	if i+count > len(slots) {
		return nil, time.Time{}, false
	}
	units = make([]Unit, 0, count)
	for j := i; j < i+count; j++ {
		if j > i && !slots[j-1].End().Equal(slots[j].Start) {
			return nil, time.Time{}, false
		}
		units = append(units, Unit{Start: slots[j].Start, N: n})
	}
	return units, slots[i+count-1].End(), true
}

// Fits reports whether units fit given the slots' capacity and the used counts.
func Fits(slots []Slot, used map[int64]int, units []Unit) bool {
	capOf := make(map[int64]int, len(units))
	for _, s := range slots {
		capOf[s.Start.UnixMicro()] = s.Capacity
	}
	for _, u := range units {
		k := u.Start.UnixMicro()
		if used[k]+u.N > capOf[k] {
			return false
		}
	}
	return true
}

// CapacityOf returns the capacity of the slot starting at t, 0 when there is none.
func CapacityOf(slots []Slot, t time.Time) int {
	for _, s := range slots {
		if s.Start.Equal(t) {
			return s.Capacity
		}
	}
	return 0
}
