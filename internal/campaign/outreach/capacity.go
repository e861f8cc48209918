package outreach

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// OfficeCapacity is an office's weekly campaign capacity in people.
type OfficeCapacity struct {
	Office  *model.Office
	PerWeek int
	Derived int  // what opening hours × counters × share give in a full week
	Typed   bool // an admin typed PerWeek
	// Weekly is the capacity of each campaign week: PerWeek (derived or typed) for a
	// full week, pro-rated by the counter time the week keeps once its holidays and
	// closures are taken out (plus its exceptional openings).
	Weekly []int
}

// At is the capacity of campaign week w: the week's share of PerWeek.
func (c *OfficeCapacity) At(w int) int {
	if w < 0 || w >= len(c.Weekly) {
		return c.PerWeek
	}
	return c.Weekly[w]
}

// Capacities derive each active office's weekly campaign capacity from its opening
// hours, counters and the campaign's share of counter time, unless an admin typed it.
// Either is a full week's: a week with a public holiday, the patron day or a closure
// gets the part of it that its open counter time is of a full week's, so the days left
// are not filled beyond the campaign's share of their counters.
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
		c := OfficeCapacity{Office: o, Derived: derive(o, hours, set)}
		c.PerWeek = c.Derived
		if n, ok := typed[o.ID]; ok {
			c.PerWeek, c.Typed = n, true
		}
		// the booking calendar's days, as the planner gets them (grid)
		g, err := s.gridOf(ctx, o.ID, set)
		if err != nil {
			return nil, err
		}
		full := 0 // counter-appointments in a week of weekly hours; 2024-01-01 is a Monday
		for d := 0; d < 7; d++ {
			full += room(g.cut(time.Date(2024, 1, 1+d, 0, 0, 0, 0, time.UTC), false, nil))
		}
		c.Weekly = make([]int, set.Weeks)
		for w := range c.Weekly {
			c.Weekly[w] = c.PerWeek
			if full == 0 {
				continue
			}
			open := 0
			for d := 0; d < 7; d++ {
				open += room(g.day(set.Start.AddDate(0, 0, 7*w+d)))
			}
			if open != full {
				c.Weekly[w] = (2*c.PerWeek*open + full) / (2 * full) // rounded
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// room is how many people a day's starts take in all.
func room(slots []plan.Slot) int {
	n := 0
	for _, s := range slots {
		n += max(s.Capacity, 0)
	}
	return n
}

// derive is counter-minutes per week × share / minutes per application. An office
// without opening hours counts its counters for a 9-to-5 week, Monday to Friday.
func derive(o *model.Office, hours []*model.OpeningHours, set *store.CampaignSettings) int {
	minutes := 0
	for _, h := range hours {
		minutes += (h.ClosesMin - h.OpensMin) * h.Counters
	}
	if len(hours) == 0 {
		minutes = 5 * 8 * 60 * o.Counters
	}
	return minutes * set.SharePct / 100 / set.MinutesPerApp
}
