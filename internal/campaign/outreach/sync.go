package outreach

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// JobSync follows the clerk's changes to campaign bookings back to the proposals.
const JobSync = "campaign.sync"

// SyncResult counts what SyncBookings changed.
type SyncResult struct {
	Moved     int // proposals set to their booking's new time
	Replan    int // citizens whose booking a clerk cancelled, back for the next re-plan
	Withdrawn int // bookings cancelled because their proposal no longer holds its time
	NoShow    int // citizens who missed their appointment, back for the next re-plan
	Issued    int // citizens whose done booking the engine's hook had not issued (issued.go)
}

// SyncBookings brings the campaign in line with the booking calendar, where a clerk
// may cancel or move a campaign citizen's booking (the citizen phoned, the counter
// closed a day): a moved booking is the proposal's new time, so letters, the
// dashboard and the phone line say the same as the agenda; a cancelled or expired one
// puts the citizen back for the next re-plan (the proposal is cancelled), and so does
// a no-show once its day is over (noshow.go: cancelled via no_show); a done booking
// whose citizen is not issued yet is issued (issued.go). The other
// way round, bookings of proposals that no longer hold their time are cancelled
// (ReleaseWithdrawn). The hourly JobSync runs it.
func (s *Service) SyncBookings(ctx context.Context) (SyncResult, error) {
	var res SyncResult
	if s.Bookings == nil {
		return res, nil
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return res, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		rows, err := s.Store.ConfirmedCampaignBookings(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if s.noShowStands(r) {
				if err := s.noShow(ctx, tx, r); err != nil {
					return err
				}
				res.NoShow++
				continue
			}
			if err := s.syncRow(ctx, tx, set, r, &res); err != nil {
				return err
			}
		}
		res.Issued, err = s.issueDone(ctx, tx)
		return err
	})
	if err != nil {
		return res, err
	}
	res.Withdrawn, err = s.ReleaseWithdrawn(ctx)
	if res != (SyncResult{}) {
		s.Log.Info("campaign bookings synced", "moved", res.Moved, "replan", res.Replan, "withdrawn", res.Withdrawn, "no_show", res.NoShow, "issued", res.Issued)
	}
	return res, err
}

// syncRow follows one confirmed proposal's booking r: cancelled or expired puts the
// citizen back for the re-plan, moved moves the proposal. A no-show still counts as
// active here: during its day the clerk may correct it, and SyncBookings settles it
// after (noShowStands).
func (s *Service) syncRow(ctx context.Context, tx *store.Tx, set *store.CampaignSettings, r store.CampaignBookingRow, res *SyncResult) error {
	active := r.State == booking.StateConfirmed || r.State == booking.StateArrived || r.State == booking.StateDone || r.State == booking.StateNoShow
	start := store.FromMicros(r.Start).In(s.Loc)
	p, err := s.Store.CampaignProposal(ctx, tx, r.ProposalID)
	if err != nil {
		return err
	}
	switch {
	case !active:
		if err := s.replan(ctx, tx, p, store.ProposalCancelled, "operator"); err != nil {
			return err
		}
		res.Replan++
	case !start.Equal(s.At(p.Day, p.Minute)):
		day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		p.Day, p.Minute, p.Week = day.Format(time.DateOnly), start.Hour()*60+start.Minute(), weekOf(set.Start, day)
		if err := s.Store.UpdateCampaignProposal(ctx, tx, p, store.ProposalConfirmed); err != nil {
			return err
		}
		res.Moved++
	}
	return nil
}

// replan ends p (in the state it was read in) as state, via, and puts its citizen
// back to new, where the next re-plan finds them; p's booking link is dropped.
func (s *Service) replan(ctx context.Context, tx *store.Tx, p *store.CampaignProposal, state, via string) error {
	from := p.State
	p.State, p.DecidedAt, p.DecidedVia = state, s.now(), via
	if err := s.Store.UpdateCampaignProposal(ctx, tx, p, from); err != nil {
		return err
	}
	if err := s.Store.SetCitizenState(ctx, tx, p.CF, store.CitizenNew, ""); err != nil {
		return err
	}
	return s.Store.UnlinkCampaignBooking(ctx, tx, p.ID)
}

// SyncJob is the JobSync handler.
func (s *Service) SyncJob(ctx context.Context, _ []byte) error {
	_, err := s.SyncBookings(ctx)
	return err
}
