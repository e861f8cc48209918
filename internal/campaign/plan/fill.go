package plan

import (
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
	room  int64 // people the day's starts take in all
	load  int64
	hhs   []int32
}

// fill gives every placed household a day and slot times within its office-week,
// only at the starts its office's calendar has that day: households are spread over
// the open days in proportion to their hours, priority ones first, and each day
// starts with its priority households. A household goes whole to one day, its members
// at consecutive starts (or the same start on parallel counters). A household no day
// has room for is marked unplanned in pl.
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
		var starts int64
		for i := 0; i < 7; i++ {
			d := m.p.Start.AddDate(0, 0, 7*t+i)
			slots := m.offices[o].slotsOn(d)
			if len(slots) == 0 {
				continue
			}
			od := &openDay{date: d, slots: slots}
			for _, s := range slots {
				od.room += int64(max(s.Capacity, 0))
			}
			days = append(days, od)
			starts += int64(len(slots))
		}
		for _, h := range hs {
			size := m.hhSize(int(h))
			var best *openDay
			for _, d := range days {
				if d.load+size > d.room {
					continue
				}
				// the lowest share of its starts promised: a short day gets fewer people
				if best == nil || (d.load+size)*int64(len(best.slots)) < (best.load+size)*int64(len(d.slots)) {
					best = d
				}
			}
			if best == nil {
				pl.cell[h] = -1
				pl.reasons[h] = noSlotLeft
				continue
			}
			best.load += size
			best.hhs = append(best.hhs, h)
		}
		week := int64(m.offices[o].CapacityAt(t))
		for _, d := range days {
			n := int64(len(d.slots))
			// People are spread over the day as if it were as full as the week's
			// capacity makes it, but never more than one per start apart: a small
			// office's few campaign people (and each household) come close together.
			spread := max((week*n+starts-1)/max(starts, 1), d.load, n)
			used := make([]int, n)
			k := int64(0)
			for _, h := range d.hhs {
				for _, pi := range m.hhs[h].members {
					i := k * n / spread
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
