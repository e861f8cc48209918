package outreach

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// ClosureResult counts what CloseDay changed.
type ClosureResult struct {
	SyncResult
	Expired int // proposals awaiting an answer on the closed day, back for the re-plan
}

// PendingOn counts the proposals on an office's day still awaiting an answer (planned
// or sent): closing that day takes them back, so the clerk is told first.
func (s *Service) PendingOn(ctx context.Context, officeID int64, day string) (int, error) {
	ps, err := s.Store.CampaignProposals(ctx, nil, `office_id = ? AND day = ? AND state IN (?, ?)`,
		officeID, day, store.ProposalPlanned, store.ProposalProposed)
	return len(ps), err
}

// CloseDay follows an office's closed day into the campaign at once, instead of at
// the next hourly JobSync, and covers what that job does not: a confirmed proposal
// whose booking the closure cancelled goes back for the re-plan (as SyncBookings
// would), one whose booking a clerk had moved off the day follows it, and a proposal
// still awaiting an answer on the day expires, so its link stops offering a closed
// day and its citizen waits for the re-plan. Call it after the closure and its
// booking cancellations commit (the engine cancels each in its own transaction).
func (s *Service) CloseDay(ctx context.Context, officeID int64, day string) (ClosureResult, error) {
	var res ClosureResult
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return res, err
	}
	unbooked := false
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		res, unbooked = ClosureResult{}, false // InTx may retry
		ps, err := s.Store.CampaignProposals(ctx, tx, `office_id = ? AND day = ? AND state IN (?, ?, ?)`,
			officeID, day, store.ProposalPlanned, store.ProposalProposed, store.ProposalConfirmed)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.State != store.ProposalConfirmed {
				if err := s.replan(ctx, tx, p, store.ProposalExpired, "closure"); err != nil {
					return err
				}
				res.Expired++
				continue
			}
			done, err := s.syncClosed(ctx, tx, set, p, &res.SyncResult)
			if err != nil {
				return err
			}
			if done {
				continue
			}
			// no booking, or one the closure left on the day (cancelled meanwhile by
			// nobody): the proposal cannot hold a closed day either way
			if err := s.unbook(ctx, tx, p); err != nil {
				return err
			}
			if err := s.replan(ctx, tx, p, store.ProposalCancelled, "closure"); err != nil {
				return err
			}
			unbooked = true
			res.Replan++
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if unbooked {
		s.booked(officeID)
	}
	if res != (ClosureResult{}) {
		s.Log.Info("campaign follows a closed day", "office", officeID, "day", day,
			"replan", res.Replan, "moved", res.Moved, "expired", res.Expired)
	}
	return res, nil
}

// syncClosed syncs confirmed p with its booking, as SyncBookings does, and says
// whether that settled it: the booking was cancelled, or a clerk moved it off the day.
func (s *Service) syncClosed(ctx context.Context, tx *store.Tx, set *store.CampaignSettings, p *store.CampaignProposal, res *SyncResult) (bool, error) {
	id, err := s.Store.CampaignBookingID(ctx, tx, p.ID)
	if err != nil || id == 0 {
		return false, err
	}
	b, err := s.Store.BookingByID(ctx, tx, id)
	if err != nil {
		return false, err
	}
	r := store.CampaignBookingRow{ProposalID: p.ID, BookingID: id, State: b.State, Start: store.Micros(b.Start)}
	moved := b.Start.In(s.Loc).Format(time.DateOnly) != p.Day
	switch b.State {
	case booking.StateHeld, booking.StateConfirmed:
		if !moved {
			return false, nil // still on the closed day: the caller ends it
		}
	case booking.StateArrived, booking.StateDone, booking.StateNoShow:
		return true, nil // the visit is under way or over: nothing to re-plan
	}
	return true, s.syncRow(ctx, tx, set, r, res)
}
