package outreach

import (
	"context"
	"slices"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// OfficeCapacity is an office's weekly campaign capacity in people.
type OfficeCapacity struct {
	Office  *model.Office
	PerWeek int
	Derived int  // what opening hours × counters × share give in a full week
	Typed   bool // an admin typed PerWeek
	// Weekly is the derived capacity of each campaign week: a week with a closed day
	// (a holiday in the booking calendar) has less.
	Weekly []int
}

// At is the capacity of campaign week w: what an admin typed, else the week's
// derived capacity.
func (c *OfficeCapacity) At(w int) int {
	if c.Typed || w < 0 || w >= len(c.Weekly) {
		return c.PerWeek
	}
	return c.Weekly[w]
}

// Capacities derive each active office's weekly campaign capacity from its opening
// hours, counters and the campaign's share of counter time, unless an admin typed it.
func (s *Service) Capacities(ctx context.Context) ([]OfficeCapacity, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	offices, err := s.Store.ListOffices(ctx, true)
	if err != nil {
		return nil, err
	}
	typed, err := s.Store.CampaignCapacityOverrides(ctx)
	if err != nil {
		return nil, err
	}
	var out []OfficeCapacity
	for _, o := range offices {
		hours, err := s.Store.OpeningHours(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		c := OfficeCapacity{Office: o, Derived: derive(o, hours, nil, set)}
		c.PerWeek = c.Derived
		end := set.Start.AddDate(0, 0, 7*set.Weeks-1)
		closures, err := s.Store.Closures(ctx, o.ID, set.Start.Format(time.DateOnly), end.Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		closedByWeek := map[int][]time.Weekday{}
		for _, cl := range closures {
			if d, err := time.Parse(time.DateOnly, cl.Day); err == nil {
				closedByWeek[weekOf(set.Start, d)] = append(closedByWeek[weekOf(set.Start, d)], d.Weekday())
			}
		}
		c.Weekly = make([]int, set.Weeks)
		for w := range c.Weekly {
			c.Weekly[w] = c.Derived
			if closed := closedByWeek[w]; closed != nil {
				c.Weekly[w] = derive(o, hours, closed, set)
			}
		}
		if n, ok := typed[o.ID]; ok {
			c.PerWeek, c.Typed = n, true
		}
		out = append(out, c)
	}
	return out, nil
}

// derive is counter-minutes per week × share / minutes per application, without the
// closed weekdays. An office without opening hours counts its counters for a
// 9-to-5 week, Monday to Friday.
func derive(o *model.Office, hours []*model.OpeningHours, closed []time.Weekday, set *store.CampaignSettings) int {
	minutes := 0
	for _, h := range hours {
		if !slices.Contains(closed, h.Weekday) {
			minutes += (h.ClosesMin - h.OpensMin) * h.Counters
		}
	}
	if len(hours) == 0 {
		days := 5
		for _, d := range closed {
			if d != time.Saturday && d != time.Sunday {
				days--
			}
		}
		minutes = max(days, 0) * 8 * 60 * o.Counters
	}
	return minutes * set.SharePct / 100 / set.MinutesPerApp
}
