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

// How many alternatives the link page offers: days at the proposal's own office (a
// couple just before the proposal's week, for who would come sooner, and a working
// week's worth from it on, for who is away) and at each of the two nearest others,
// and times on each day. Three times spread over the day give a morning, a middle and
// a late choice without a wall of buttons; later days are a link away (ChoicesFrom).
const (
	pageEarlierDays = 2
	pageOwnDays     = 5
	pageOtherDays   = 2
	pagePerDay      = 3
)

// scanRun is one walk over the days of an office: days accepted at most, from a day
// on, forward or back.
type scanRun struct {
	from time.Time
	back bool
	days int
}

// window is the stretch of days a proposal may move to: from first (the office needs
// minNoticeDays) to the day before end (the campaign's last week), and the start of
// the proposal's own campaign week.
type window struct {
	first, end, week time.Time
}

func (s *Service) window(ctx context.Context, p *store.CampaignProposal) (window, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return window{}, err
	}
	first := s.today().AddDate(0, 0, minNoticeDays)
	if first.Before(set.Start) {
		first = set.Start
	}
	return window{first: first, end: set.Start.AddDate(0, 0, 7*set.Weeks), week: set.Start.AddDate(0, 0, 7*p.Week)}, nil
}

// Alternatives lists free slots a citizen may move p to, one per day (the phone line
// reads them out one by one): first at the proposal's own office, then at the two
// nearest others, with the live office-week capacity and per-slot parallelism respected.
func (s *Service) Alternatives(ctx context.Context, p *store.CampaignProposal, maxSlots int) ([]Slot, error) {
	var out []Slot
	own, other := maxSlots/2, maxSlots/4
	w, err := s.window(ctx, p)
	if err != nil {
		return nil, err
	}
	// the line reads the soonest first: a caller presses 2 until a day suits
	err = s.scanDays(ctx, p, 1, func(i int) []scanRun {
		if len(out) >= maxSlots {
			return nil
		}
		if i == 0 {
			return []scanRun{{from: w.first, days: own}}
		}
		return []scanRun{{from: w.first, days: other}}
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
// moving with it, around the proposal's own date (see ChoicesFrom).
func (s *Service) Choices(ctx context.Context, p *store.CampaignProposal, people int) ([]Day, error) {
	return s.ChoicesFrom(ctx, p, people, time.Time{})
}

// ChoicesFrom lists the link page's alternatives for p and people-1 household members
// moving with it: days, each with up to pagePerDay times spread over the day where
// all of them fit together (parallel counters or consecutive starts, see fit), each
// office's days in date order. With from zero the days are those around the
// proposal: who was proposed in January may be away in December, so the soonest
// days alone would leave them only "decline". With from set they are the days from
// it on (a later or earlier page, see Pages).
func (s *Service) ChoicesFrom(ctx context.Context, p *store.CampaignProposal, people int, from time.Time) ([]Day, error) {
	w, err := s.window(ctx, p)
	if err != nil {
		return nil, err
	}
	runs := func(i int) []scanRun {
		if !from.IsZero() {
			if i == 0 {
				return []scanRun{{from: from, days: pageOwnDays}}
			}
			return []scanRun{{from: from, days: pageOtherDays}}
		}
		start := w.week
		if start.Before(w.first) {
			start = w.first
		}
		if i == 0 {
			return []scanRun{{from: w.week.AddDate(0, 0, -1), back: true, days: pageEarlierDays}, {from: start, days: pageOwnDays}}
		}
		return []scanRun{{from: start, days: pageOtherDays}}
	}
	var out []Day
	rank := map[int64]int{}
	err = s.scanDays(ctx, p, people, runs, func(oc OfficeCapacity, day string, times []plan.Slot, free []int, minutes int) bool {
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
		if _, ok := rank[dd.OfficeID]; !ok {
			rank[dd.OfficeID] = len(rank)
		}
		out = append(out, dd)
		return true
	})
	// the earlier days were walked backwards
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank[out[i].OfficeID], rank[out[j].OfficeID]; ri != rj {
			return ri < rj
		}
		return out[i].Date.Before(out[j].Date)
	})
	return out, err
}

// Pages says where the pages of days before and after days (a page of ChoicesFrom
// from from, zero for the page around the proposal) start, each zero when there is
// none: later is the day after the proposal's own office's last day there (after
// the last day of all when that office has none) while that office opens again in
// the campaign, earlier a week before the page's
// first day, neither outside the days a change may go to.
func (s *Service) Pages(ctx context.Context, p *store.CampaignProposal, days []Day, from time.Time) (earlier, later time.Time, err error) {
	w, err := s.window(ctx, p)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	var lastOwn, last, first time.Time
	for _, d := range days {
		day := time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 0, 0, 0, 0, time.UTC)
		if d.Same && day.After(lastOwn) {
			lastOwn = day
		}
		if day.After(last) {
			last = day
		}
		if first.IsZero() || day.Before(first) {
			first = day
		}
	}
	if !lastOwn.IsZero() {
		last = lastOwn
	}
	if !last.IsZero() {
		// no link to a page of nothing but the weekend or closures before the end
		set, err := s.Store.CampaignSettings(ctx)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		g, err := s.gridOf(ctx, p.OfficeID, set)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		for d := last.AddDate(0, 0, 1); d.Before(w.end); d = d.AddDate(0, 0, 1) {
			if len(g.day(d)) > 0 {
				later = last.AddDate(0, 0, 1)
				break
			}
		}
	}
	start := from
	if start.IsZero() {
		start = first
	}
	if !start.IsZero() && start.After(w.first) {
		earlier = start.AddDate(0, 0, -7)
		if earlier.Before(w.first) {
			earlier = w.first
		}
	}
	return earlier, later, nil
}

// PageFrom reads a page's from date as the link carries it (YYYY-MM-DD): zero when
// it is empty, malformed or outside the days a change may go to, so a stale or
// edited link shows the days around the proposal rather than an error, and one
// from a day now too close starts at the first day a change may go to.
func (s *Service) PageFrom(ctx context.Context, p *store.CampaignProposal, v string) time.Time {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}
	}
	w, err := s.window(ctx, p)
	if err != nil || !d.Before(w.end) {
		return time.Time{}
	}
	if d.Before(w.first) {
		return w.first // a page kept open from an earlier day
	}
	return d
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
// how many more people each start takes, and the office's appointment length.
// runs(i) is the walks to make at the i-th office, each stopping after its days
// accepted or at the edge of the days a change may go to; take reports whether it
// accepted the day.
func (s *Service) scanDays(ctx context.Context, p *store.CampaignProposal, people int, runs func(int) []scanRun,
	take func(oc OfficeCapacity, day string, times []plan.Slot, free []int, minutes int) bool) error {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	win, err := s.window(ctx, p)
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
		todo := runs(i)
		if len(todo) == 0 {
			continue
		}
		g, err := s.gridOf(ctx, oc.Office.ID, set)
		if err != nil {
			return err
		}
		par := g.parallel(oc.PerWeek)
		seen := map[string]bool{} // a day two walks reach is offered once
		for _, run := range todo {
			step := 1
			if run.back {
				step = -1
			}
			for d, found := run.from, 0; found < run.days && !d.Before(win.first) && d.Before(win.end); d = d.AddDate(0, 0, step) {
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
				if oc.Office.ID == p.OfficeID && day == p.Day || seen[day] {
					continue
				}
				free, err := s.freeOn(ctx, nil, oc.Office.ID, d, times, par)
				if err != nil {
					return err
				}
				if take(oc, day, times, free, g.minutes) {
					seen[day] = true
					found++
				}
			}
		}
	}
	return nil
}

// freeOn is freeAt for office's day d, read now: the campaign's proposals there (q,
// or the read pool when nil) and what the booking calendar holds, online bookings
// included.
func (s *Service) freeOn(ctx context.Context, q store.Querier, office int64, d time.Time, times []plan.Slot, par int) ([]int, error) {
	day := d.Format(time.DateOnly)
	slots, err := s.Store.CampaignSlotUsage(ctx, q, office, day)
	if err != nil {
		return nil, err
	}
	midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.Loc)
	booked, err := s.Store.SlotUsage(ctx, office, midnight, midnight.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	return freeAt(times, slots, booked, par, func(m int) int64 { return s.At(day, m).UnixMicro() }), nil
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
