package outreach

import (
	"context"

	"github.com/sportello/sportello/internal/store"
)

// withoutSelfBooked drops from a re-plan's citizens those who booked the CIE
// themselves (at /prenota or at the desk) since the campaign let them go: a clerk's
// cancellation tells them they may, and a proposal on top of their own booking would
// send them two appointments. Their household's others are planned as usual. They stay
// in the pool, so if they cancel their own booking the next re-plan finds them again.
func (s *Service) withoutSelfBooked(ctx context.Context, citizens []*store.CampaignCitizen) ([]*store.CampaignCitizen, error) {
	if len(citizens) == 0 {
		return citizens, nil
	}
	cfs := make([]string, len(citizens))
	for i, c := range citizens {
		cfs[i] = c.CF
	}
	booked, err := s.Store.SelfBookedCampaignCitizens(ctx, cfs, s.now())
	if err != nil || len(booked) == 0 {
		return citizens, err
	}
	out := citizens[:0:0]
	for _, c := range citizens {
		if !booked[c.CF] {
			out = append(out, c)
		}
	}
	return out, nil
}
