package plan

import (
	"math"
	"sort"
	"time"
)

// Assignment is one person's proposal.
type Assignment struct {
	Person int // index into the people given to Run
	Office int // index into the offices
	Date   time.Time
	Minute int // minutes after midnight
}

// noSlotLeft is why a household the flow placed in an office-week is left out after
// all: the week's days have no appointment start with room for all of it together (a
// typed capacity above what the calendar holds, or holidays the capacity ignored).
const noSlotLeft = "no free appointment time left in the office's calendar that week"

// priority says whether a household has someone elderly or frail: those come in
// the morning, when the offices are quiet and the day has not run late.
func (m *model) priority(h int) bool {
	age := m.p.ElderlyAge
	if age == 0 {
		age = 75
	}
	limit := m.p.Start.AddDate(-age, 0, 0)
	for _, pi := range m.hhs[h].members {
		p := &m.people[pi]
		if p.Frail || (!p.Birth.IsZero() && !p.Birth.After(limit)) {
			return true
		}
	}
	return false
}

// openDay is one day of an office-week on which the office has appointment starts.
type openDay struct {
	date  time.Time
	slots []Slot
	cum   []int64 // cum[i]: people the starts before slots[i] take
	room  int64   // people the day's starts take in all
	limit int64   // the day's part of the week's capacity, in proportion to its room
	load  int64
	hhs   []int32
}

// fill gives every placed household a day and slot times within its office-week,
// only at the starts its office's calendar has that day: households are spread over
// the open days in proportion to their room (starts × counters free), priority ones
// first, and each day starts with its priority households. A household goes whole to
// one day, its members at consecutive starts (or the same start on parallel counters).
// A household no day has room for is marked unplanned in pl.
//
// The week's capacity is the campaign's share of the week's counter time, so a day
// takes no more than its part of it (limit) and each start no more than its part of
// the day: a day or start gets the campaign's share of its counters, never more of
// them because the week has fewer open days. Only a household that fits no day's limit
// may pass one, by less than its size, rather than go without a proposal.
func (m *model) fill(pl placement) []Assignment {
	W := m.weeks
	byCell := make([][]int32, len(m.offices)*W)
	for h, c := range pl.cell {
		if c >= 0 {
			byCell[c] = append(byCell[c], int32(h))
		}
	}
	prio := make([]bool, len(m.hhs))
	for h := range prio {
		prio[h] = m.priority(h)
	}
	out := make([]Assignment, 0, len(m.people))
	for c, hs := range byCell {
		if len(hs) == 0 {
			continue
		}
		o, t := c/W, c%W
		sort.SliceStable(hs, func(a, b int) bool { return prio[hs[a]] && !prio[hs[b]] })
		var days []*openDay
		var weekRoom int64
		for i := 0; i < 7; i++ {
			d := m.p.Start.AddDate(0, 0, 7*t+i)
			slots := m.offices[o].slotsOn(d, m.p.Holidays)
			if len(slots) == 0 {
				continue
			}
			od := &openDay{date: d, slots: slots, cum: make([]int64, len(slots)+1)}
			for j, s := range slots {
				od.cum[j+1] = od.cum[j] + int64(max(s.Capacity, 0))
			}
			od.room = od.cum[len(slots)]
			days = append(days, od)
			weekRoom += od.room
		}
		week := int64(m.offices[o].CapacityAt(t))
		for _, d := range days {
			// week × room / weekRoom rounded up, in floating point: a default calendar's
			// room is huge
			d.limit = min(int64(math.Ceil(float64(week)*float64(d.room)/float64(max(weekRoom, 1)))), d.room)
		}
		for _, h := range hs {
			size := m.hhSize(int(h))
			best := lightest(days, size, true)
			if best == nil {
				best = lightest(days, size, false)
			}
			if best == nil {
				pl.cell[h] = -1
				pl.reasons[h] = noSlotLeft
				continue
			}
			best.load += size
			best.hhs = append(best.hhs, h)
		}
		for _, d := range days {
			n := len(d.slots)
			// People are spread over the day as if it held its whole part of the week,
			// each start in proportion to its counters, but never more than one per
			// start apart: a small office's few campaign people (and each household)
			// come close together.
			spread := max(d.limit, d.load, int64(n))
			used := make([]int, n)
			k := int64(0)
			for _, h := range d.hhs {
				for _, pi := range m.hhs[h].members {
					i := d.at(k, spread)
					for used[i] >= d.slots[i].Capacity {
						i = (i + 1) % n // the day has room (load ≤ room), so this ends
					}
					used[i]++
					out = append(out, Assignment{Person: int(pi), Office: o, Date: d.date, Minute: d.slots[i].Minute})
					k++
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Person < out[b].Person })
	return out
}

// lightest is the day with the lowest share of its room promised once size more people
// come, among those where they fit its limit (or, when capped is false, its room).
func lightest(days []*openDay, size int64, capped bool) *openDay {
	var best *openDay
	for _, d := range days {
		bound := d.room
		if capped {
			bound = d.limit
		}
		if d.load+size > bound {
			continue
		}
		// (d.load+size)/d.room < (best.load+size)/best.room, in floating point: a
		// default calendar's room is huge
		if best == nil || float64(d.load+size)*float64(best.room) < float64(best.load+size)*float64(d.room) {
			best = d
		}
	}
	return best
}

// at is the start of the k-th of spread people over the day: the k-th of spread
// equal parts of the day's room, so a start with more counters takes more people.
func (d *openDay) at(k, spread int64) int {
	x := int64(float64(k) * float64(d.room) / float64(spread))
	// the last start whose room begins at or before x
	i := sort.Search(len(d.slots), func(i int) bool { return d.cum[i+1] > x })
	return min(i, len(d.slots)-1)
}
