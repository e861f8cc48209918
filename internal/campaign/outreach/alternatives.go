package outreach

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/store"
)

// Day is one office day of the link page's alternatives, with the few times offered
// there: a citizen picks a day first, then a time on it.
type Day struct {
	OfficeID int64
	Office   string
	Address  string
	Date     time.Time // the day, at midnight in the comune's time zone
	Same     bool      // at the proposal's own office
	Times    []Slot
}

// How many alternatives the link page offers: days at the proposal's own office and
// at each of the two nearest others, and times on each day. Three times spread over
// the day give a morning, a middle and a late choice without a wall of buttons.
const (
	pageOwnDays   = 6
	pageOtherDays = 2
	pagePerDay    = 3
)

// Alternatives lists free slots a citizen may move p to, one per day (the phone line
// reads them out one by one): first at the proposal's own office, then at the two
// nearest others, with the live office-week capacity and per-slot parallelism respected.
func (s *Service) Alternatives(ctx context.Context, p *store.CampaignProposal, maxSlots int) ([]Slot, error) {
	var out []Slot
	own, other := maxSlots/2, maxSlots/4
	err := s.scanDays(ctx, p, 1, func(i int) int {
		if len(out) >= maxSlots {
			return 0
		}
		if i == 0 {
			return own
		}
		return other
	}, func(oc OfficeCapacity, day string, times []plan.Slot, free []int, _ int) bool {
		// offer the free time nearest the proposal's own: who was proposed the
		// afternoon probably prefers an afternoon
		best := -1
		for k, t := range times {
			if free[k] > 0 && (best < 0 || abs(t.Minute-p.Minute) < abs(times[best].Minute-p.Minute)) {
				best = k
			}
		}
		if best < 0 {
			return false
		}
		out = append(out, s.slot(oc, p, day, times[best].Minute, nil))
		return true
	})
	return out, err
}

// Choices lists the link page's alternatives for p and people-1 household members
// moving with it: days, each with up to pagePerDay times spread over the day where
// all of them fit together (parallel counters or consecutive starts, see fit).
func (s *Service) Choices(ctx context.Context, p *store.CampaignProposal, people int) ([]Day, error) {
	var out []Day
	err := s.scanDays(ctx, p, people, func(i int) int {
		if i == 0 {
			return pageOwnDays
		}
		return pageOtherDays
	}, func(oc OfficeCapacity, day string, times []plan.Slot, free []int, minutes int) bool {
		var starts [][]int
		for k := range times {
			if at := fit(times, free, k, people, minutes); at != nil {
				starts = append(starts, at)
			}
		}
		if len(starts) == 0 {
			return false
		}
		d, _ := time.Parse(time.DateOnly, day)
		dd := Day{OfficeID: oc.Office.ID, Office: oc.Office.Name, Address: oc.Office.Address, Same: oc.Office.ID == p.OfficeID,
			Date: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.Loc)}
		for _, k := range spread(len(starts), pagePerDay) {
			var each []int
			if people > 1 {
				each = starts[k]
			}
			dd.Times = append(dd.Times, s.slot(oc, p, day, starts[k][0], each))
		}
		out = append(out, dd)
		return true
	})
	return out, err
}

func (s *Service) slot(oc OfficeCapacity, p *store.CampaignProposal, day string, minute int, each []int) Slot {
	sl := Slot{ID: slotID(oc.Office.ID, day, minute), OfficeID: oc.Office.ID, Office: oc.Office.Name,
		Address: oc.Office.Address, At: s.At(day, minute), Same: oc.Office.ID == p.OfficeID}
	for _, m := range each {
		sl.Each = append(sl.Each, s.At(day, m))
	}
	return sl
}

// scanDays walks the days a proposal may move to with people in it, at the
// proposal's own office then at the two nearest others, and calls take on each day
// where the office-week has room for them all, with the day's appointment starts and
// how many more people each start takes, and the office's appointment length. quota(i) is how many days take may accept
// at the i-th office; take reports whether it accepted the day.
func (s *Service) scanDays(ctx context.Context, p *store.CampaignProposal, people int, quota func(int) int,
	take func(oc OfficeCapacity, day string, times []plan.Slot, free []int, minutes int) bool) error {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	caps, err := s.Capacities(ctx)
	if err != nil {
		return err
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return err
	}
	usage, err := s.Store.CampaignWeekUsage(ctx, nil)
	if err != nil {
		return err
	}
	sort.SliceStable(caps, func(i, j int) bool {
		if (caps[i].Office.ID == p.OfficeID) != (caps[j].Office.ID == p.OfficeID) {
			return caps[i].Office.ID == p.OfficeID
		}
		return dist(c.Lat, c.Lon, caps[i].Office.Lat, caps[i].Office.Lon) < dist(c.Lat, c.Lon, caps[j].Office.Lat, caps[j].Office.Lon)
	})
	for i, oc := range caps {
		if i > 2 {
			break
		}
		want := quota(i)
		g, err := s.gridOf(ctx, oc.Office.ID, set)
		if err != nil {
			return err
		}
		par := g.parallel(oc.PerWeek)
		for d, found := s.today().AddDate(0, 0, minNoticeDays), 0; found < want && weekOf(set.Start, d) < set.Weeks; d = d.AddDate(0, 0, 1) {
			w := weekOf(set.Start, d)
			// the day's starts from the booking calendar: none on a closure
			times := g.day(d)
			if w < 0 || len(times) == 0 {
				continue
			}
			used := usage[store.CellKey{Office: oc.Office.ID, Week: w}]
			if oc.Office.ID == p.OfficeID && w == p.Week {
				used -= people // the movers' own places in that week come back
			}
			if used+people > oc.PerWeek {
				continue
			}
			day := d.Format(time.DateOnly)
			if oc.Office.ID == p.OfficeID && day == p.Day {
				continue
			}
			slots, err := s.Store.CampaignSlotUsage(ctx, nil, oc.Office.ID, day)
			if err != nil {
				return err
			}
			// what the booking calendar holds there, online bookings included
			midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.Loc)
			booked, err := s.Store.SlotUsage(ctx, oc.Office.ID, midnight, midnight.AddDate(0, 0, 1))
			if err != nil {
				return err
			}
			if take(oc, day, times, freeAt(times, slots, booked, par, func(m int) int64 { return s.At(day, m).UnixMicro() }), g.minutes) {
				found++
			}
		}
	}
	return nil
}

// freeAt is how many more campaign people each start of a day takes: the campaign's
// share of the start (parallel) less the proposals there, and the start's counters
// less what the booking calendar already holds.
func freeAt(times []plan.Slot, slots map[int]int, booked map[int64]int, par int, at func(int) int64) []int {
	free := make([]int, len(times))
	for k, t := range times {
		free[k] = max(0, min(min(par, t.Capacity)-slots[t.Minute], t.Capacity-booked[at(t.Minute)]))
	}
	return free
}

// fit places people from the k-th start of a day: as many as the start takes side by
// side at the counters, the rest at the next starts, one right after the other. It
// returns each person's start, or nil when they do not fit without a gap (a full start
// or a lunch break between them): a household comes together or not at all.
func fit(times []plan.Slot, free []int, k, people, minutes int) []int {
	var out []int
	for j := k; j < len(times) && len(out) < people; j++ {
		if free[j] <= 0 || j > k && times[j].Minute-times[j-1].Minute > minutes {
			return nil
		}
		for n := min(free[j], people-len(out)); n > 0; n-- {
			out = append(out, times[j].Minute)
		}
	}
	if len(out) < people {
		return nil
	}
	return out
}

// spread picks up to n of count choices, evenly over them and always the first and
// the last, so a day offers its early, middle and late times rather than three in a row.
func spread(count, n int) []int {
	if count <= n {
		out := make([]int, count)
		for i := range out {
			out[i] = i
		}
		return out
	}
	if n == 1 {
		return []int{0}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(math.Round(float64(i*(count-1)) / float64(n-1)))
	}
	return out
}

// dist is the great-circle distance in metres.
func dist(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
