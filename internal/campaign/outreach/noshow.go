package outreach

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// ViaNoShow is the decided_via of a confirmed proposal whose citizen did not come.
const ViaNoShow = store.DecidedNoShow

// noShowStands says whether booking r's no-show is final. The clerk may still correct
// it during the appointment's day (the citizen came late, the wrong row was marked),
// so only a no-show on a day already over sends the citizen back: the re-plan offers
// no appointment that soon anyway.
func (s *Service) noShowStands(r store.CampaignBookingRow) bool {
	if r.State != booking.StateNoShow {
		return false
	}
	start := store.FromMicros(r.Start).In(s.Loc)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	return day.Before(s.today())
}

// noShow ends confirmed proposal r, whose citizen did not come, as cancelled via
// no_show and puts the citizen back to new, where the next re-plan proposes them a
// new appointment; the booking stays in the agenda as the clerk marked it. The audit
// log records it against the proposal, where the project office's citizen page reads
// the history.
func (s *Service) noShow(ctx context.Context, tx *store.Tx, r store.CampaignBookingRow) error {
	p, err := s.Store.CampaignProposal(ctx, tx, r.ProposalID)
	if err != nil {
		return err
	}
	if err := s.replan(ctx, tx, p, store.ProposalCancelled, ViaNoShow); err != nil {
		return err
	}
	return s.Store.AppendAudit(ctx, tx, &model.AuditEntry{Actor: "system", Action: "campaign.no_show",
		Object: fmt.Sprintf("campaign_proposal:%d", p.ID), Detail: fmt.Sprintf("booking=%d day=%s back to re-plan", r.BookingID, p.Day)})
}
