package outreach

import (
	"context"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// ErrAlreadyConfirmed is a confirmation of an appointment already confirmed (a second
// click, or the household confirmed by a relative): the page shows the appointment.
var ErrAlreadyConfirmed = model.Errorf(model.ECONFLICT, "this appointment is already confirmed")

// declinedView is the read-only page of a declined proposal: when, and nothing to
// choose.
func (s *Service) declinedView(ctx context.Context, p *store.CampaignProposal, token string) (*View, error) {
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return nil, err
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return nil, err
	}
	return &View{Token: token, Proposal: p, Citizen: c, Office: o, At: s.At(p.Day, p.Minute)}, nil
}

// Current is the view of proposal id as it stands, with its current link: the page a
// link spent on an answer shows (the spent link proves the citizen; the appointment
// may have moved since). A proposal no longer confirmed or declined is errBadLink.
func (s *Service) Current(ctx context.Context, id int64) (*View, error) {
	p, err := s.Store.CampaignProposal(ctx, nil, id)
	if err != nil {
		return nil, errBadLink
	}
	if p.State != store.ProposalConfirmed && p.State != store.ProposalDeclined {
		return nil, errBadLink
	}
	return s.Open(ctx, s.Token(p))
}
