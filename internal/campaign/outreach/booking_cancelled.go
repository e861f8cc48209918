package outreach

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// BookingCancelled is the booking engine's Cancelled hook (internal/app sets it): a
// campaign appointment cancelled by a clerk (or by the citizen through the booking's
// own link) puts its citizen back for the next re-plan in the cancellation's own
// transaction, so the e-mail the engine sends can say truthfully that a new proposal
// will come, and the re-plan does not depend on the hourly sync having run first.
// It says whether it did so; the booking's link to its proposal is dropped, so the
// sync has nothing left to follow for it.
func (s *Service) BookingCancelled(ctx context.Context, tx *store.Tx, b *booking.Booking, by string) (bool, error) {
	if b.CreatedBy != "campaign" { // engine.CampaignCreator; outreach does not import the engine
		return false, nil
	}
	id, err := s.Store.CampaignProposalOfBooking(ctx, tx, b.ID)
	if err != nil || id == 0 {
		return false, err
	}
	p, err := s.Store.CampaignProposal(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if p.State != store.ProposalConfirmed {
		return false, nil // the campaign already let it go (a decline, an outcome)
	}
	if err := s.replan(ctx, tx, p, store.ProposalCancelled, "operator"); err != nil {
		return false, err
	}
	return true, s.Store.AppendAudit(ctx, tx, &model.AuditEntry{Actor: by, Action: "campaign.booking_cancelled",
		Object: fmt.Sprintf("campaign_proposal:%d", p.ID), Detail: fmt.Sprintf("booking=%d day=%s back to re-plan", b.ID, p.Day)})
}
