package plan

import (
	"sort"
	"time"
)

// Opening hours of the campaign counters, in minutes after midnight. Slot times
// spread each day's people evenly over them; several people at one time means
// parallel counters.
const (
	openMinute  = 8*60 + 30
	closeMinute = 16*60 + 30
	// maxSlot caps the spacing at one issuance's length, so a small office's few
	// campaign people (and each household) come close together, not hours apart.
	maxSlot = 15
)

// Assignment is one person's proposal.
type Assignment struct {
	Person int // index into the people given to Run
	Office int // index into the offices
	Date   time.Time
	Minute int // minutes after midnight
}

// workingDays are the Monday-to-Friday dates of week t.
func workingDays(start time.Time, t int) []time.Time {
	var days []time.Time
	for i := 0; i < 7; i++ {
		d := start.AddDate(0, 0, 7*t+i)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d)
		}
	}
	return days
}

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

// fill gives every placed household a day and consecutive slot times within its
// office-week: households are spread over the days by load, priority ones first,
// and each day starts with its priority households.
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
		days := workingDays(m.p.Start, t)
		load := make([]int64, len(days))
		perDay := make([][]int32, len(days))
		for _, h := range hs {
			best := 0
			for d := range load {
				if load[d] < load[best] {
					best = d
				}
			}
			load[best] += m.hhSize(int(h))
			perDay[best] = append(perDay[best], h)
		}
		nominal := max((int64(m.offices[o].CapacityAt(t))+int64(len(days))-1)/int64(len(days)), 1)
		for d, day := range perDay {
			span := int64(closeMinute - openMinute)
			n := max(nominal, load[d], span/maxSlot)
			k := int64(0)
			for _, h := range day {
				for _, pi := range m.hhs[h].members {
					out = append(out, Assignment{
						Person: int(pi), Office: o, Date: days[d],
						Minute: openMinute + int(k*span/n),
					})
					k++
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Person < out[b].Person })
	return out
}
