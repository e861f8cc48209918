package store

import (
	"context"
	"database/sql"
	"errors"
)

// CampaignProposalOfBooking is the proposal that holds booking, 0 when none does (a
// booking made online, or one whose proposal has ended). The booking engine's
// e-mails about a campaign appointment use it to update the calendar event the
// campaign's e-mails created instead of adding a second one.
func (s *Store) CampaignProposalOfBooking(ctx context.Context, q Querier, bookingID int64) (int64, error) {
	if q == nil {
		q = s.Reader()
	}
	var id int64
	err := q.QueryRowContext(ctx, s.Rebind(`SELECT proposal_id FROM campaign_bookings WHERE booking_id = ?`), bookingID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, s.translate(err)
}
