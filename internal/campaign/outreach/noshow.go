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

// missedLines is what the proposal except to citizen cf says about the appointment
// they missed, Italian and English: their previous proposal ended as a no-show, so the
// new one does not read as if nothing happened (the citizen may wonder why a second
// letter came). "" when the previous proposal ended otherwise or there is none. The
// proposal's e-mail and letter (mail.go, letters.go) print it under the greeting.
func (s *Service) missedLines(ctx context.Context, q store.Querier, cf string, except int64) (it, en string, err error) {
	ps, err := s.Store.CampaignProposals(ctx, q, "cf = ? AND id <> ?", cf, except)
	if err != nil {
		return "", "", err
	}
	var last *store.CampaignProposal
	for _, p := range ps {
		if !p.DecidedAt.IsZero() && (last == nil || p.DecidedAt.After(last.DecidedAt)) {
			last = p
		}
	}
	if last == nil || last.DecidedVia != ViaNoShow {
		return "", "", nil
	}
	day, err := time.Parse(time.DateOnly, last.Day)
	if err != nil {
		return "", "", err
	}
	return "Non si è presentato/a all'appuntamento del " + itDate(day) + ": le proponiamo un nuovo appuntamento.",
		"You did not come to the appointment of " + day.Format("Monday 2 January 2006") + ": here is a new appointment.", nil
}
