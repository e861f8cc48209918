package outreach

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// CounterStatus is the booking engine's StatusChanged hook (internal/app sets it): a
// campaign booking the clerk marks done means the application was taken at the
// counter, so its citizen is issued at once, in the same transaction, and the
// dashboard's "CIE emesse" and the forecast's pace move with the counters rather than
// an hour later or when someone uploads a list. A clerk who takes "done" back (the
// wrong row, the citizen came without the photo) undoes it in the same way, so no
// wrong issued is left. The hourly sync only catches what the hook could not see
// (issueDone).
func (s *Service) CounterStatus(ctx context.Context, tx *store.Tx, b *booking.Booking, from, by string) error {
	if b.CreatedBy != "campaign" || (b.State != booking.StateDone && from != booking.StateDone) {
		return nil // engine.CampaignCreator; outreach does not import the engine
	}
	id, err := s.Store.CampaignProposalOfBooking(ctx, tx, b.ID)
	if err != nil || id == 0 {
		return err
	}
	p, err := s.Store.CampaignProposal(ctx, tx, id)
	if err != nil {
		return err
	}
	if p.State != store.ProposalConfirmed {
		return nil
	}
	if b.State == booking.StateDone {
		_, err = s.issue(ctx, tx, p.ID, p.CF, b.ID, b.Start, by)
		return err
	}
	ok, err := s.Store.MoveCitizenState(ctx, tx, p.CF, store.CitizenIssued, store.CitizenConfirmed, s.now(), s.issuedAt(b.Start))
	if err != nil || !ok {
		return err
	}
	return s.Store.AppendAudit(ctx, tx, &model.AuditEntry{Actor: by, Action: "campaign.issued_undone",
		Object: fmt.Sprintf("campaign_proposal:%d", p.ID), Detail: fmt.Sprintf("booking=%d marked %s instead of done", b.ID, b.State)})
}

// issue sets a confirmed citizen whose booking was done to issued, dated the
// appointment's day: updated_at is when the state last changed and IssuedSince counts
// the pace by it, so a clerk marking yesterday's row today, or the sync catching up,
// counts the card in the week it was applied for. It says whether the citizen moved
// (not when still confirmed: an operator already recorded an outcome).
func (s *Service) issue(ctx context.Context, tx *store.Tx, proposalID int64, cf string, bookingID int64, start time.Time, by string) (bool, error) {
	at := s.issuedAt(start)
	ok, err := s.Store.MoveCitizenState(ctx, tx, cf, store.CitizenConfirmed, store.CitizenIssued, at, time.Time{})
	if err != nil || !ok {
		return false, err
	}
	return true, s.Store.AppendAudit(ctx, tx, &model.AuditEntry{Actor: by, Action: "campaign.issued",
		Object: fmt.Sprintf("campaign_proposal:%d", proposalID), Detail: fmt.Sprintf("booking=%d day=%s application taken at the counter", bookingID, at.Format(time.DateOnly))})
}

// issuedAt is the date an appointment at start issues its card: the local midnight of
// its day, never later than the clerk's mark (marking is refused before that day).
func (s *Service) issuedAt(start time.Time) time.Time {
	return booking.Midnight(start, s.Loc)
}

// issueDone issues the citizens of confirmed proposals whose booking is done but who
// are still confirmed: bookings marked before the hook was wired, or by a path that
// has none. Normally there are none, and the query finds them without reading every
// confirmed booking.
func (s *Service) issueDone(ctx context.Context, tx *store.Tx) (int, error) {
	ds, err := s.Store.UnissuedCampaignBookings(ctx, tx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		ok, err := s.issue(ctx, tx, d.ProposalID, d.CF, d.BookingID, store.FromMicros(d.Start), "system")
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
