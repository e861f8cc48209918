package outreach

import (
	"context"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// OfficeCapacity is an office's weekly campaign capacity in people.
type OfficeCapacity struct {
	Office  *model.Office
	PerWeek int
	Derived int  // what opening hours × counters × share give
	Typed   bool // an admin typed PerWeek
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
		c := OfficeCapacity{Office: o, Derived: derive(o, hours, set)}
		c.PerWeek = c.Derived
		if n, ok := typed[o.ID]; ok {
			c.PerWeek, c.Typed = n, true
		}
		out = append(out, c)
	}
	return out, nil
}

// derive is counter-minutes per week × share / minutes per application. An office
// without opening hours counts its counters for a 9-to-5 week.
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
