package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// LinkCampaignBooking records that proposal holds booking, replacing an earlier link
// (a move to another office makes a new booking).
func (s *Store) LinkCampaignBooking(ctx context.Context, tx *Tx, proposalID, bookingID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO campaign_bookings (proposal_id, booking_id) VALUES (?, ?)
		ON CONFLICT (proposal_id) DO UPDATE SET booking_id = excluded.booking_id`, proposalID, bookingID)
	if err != nil {
		return fmt.Errorf("link campaign booking: %w", err)
	}
	return nil
}

// UnlinkCampaignBooking forgets the booking of proposal.
func (s *Store) UnlinkCampaignBooking(ctx context.Context, tx *Tx, proposalID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM campaign_bookings WHERE proposal_id = ?`, proposalID)
	return err
}

// CampaignBookingID is the booking proposal holds, 0 when it holds none.
func (s *Store) CampaignBookingID(ctx context.Context, q Querier, proposalID int64) (int64, error) {
	if q == nil {
		q = s.Reader()
	}
	var id int64
	err := q.QueryRowContext(ctx, s.Rebind(`SELECT booking_id FROM campaign_bookings WHERE proposal_id = ?`), proposalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, s.translate(err)
}

// CampaignSlotCounts counts an office's proposals in states that hold no booking, per
// day (YYYY-MM-DD) and minute for the days in [from, to], in one query for a whole
// plan: those with a booking are already in slot_usage.
func (s *Store) CampaignSlotCounts(ctx context.Context, officeID int64, from, to string, states ...string) (map[string]map[int]int, error) {
	out := map[string]map[int]int{}
	if len(states) == 0 {
		return out, nil
	}
	args := []any{officeID, from, to}
	for _, st := range states {
		args = append(args, st)
	}
	rows, err := s.Query(ctx, `SELECT day, minute, COUNT(*) FROM campaign_proposals
		WHERE office_id = ? AND day >= ? AND day <= ? AND state IN (`+placeholders(len(states))+`)
		AND id NOT IN (SELECT proposal_id FROM campaign_bookings) GROUP BY day, minute`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var m, n int
		if err := rows.Scan(&day, &m, &n); err != nil {
			return nil, err
		}
		if out[day] == nil {
			out[day] = map[int]int{}
		}
		out[day][m] = n
	}
	return out, rows.Err()
}

// StaleCampaignBookings returns the links whose proposal no longer holds its time
// (an operator closed the case, a plan withdrew it): their bookings are to cancel.
func (s *Store) StaleCampaignBookings(ctx context.Context, tx *Tx) (proposals, bookings []int64, err error) {
	rows, err := tx.Query(ctx, `SELECT cb.proposal_id, cb.booking_id FROM campaign_bookings cb
		JOIN campaign_proposals p ON p.id = cb.proposal_id WHERE p.state <> ?`, ProposalConfirmed)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, b int64
		if err := rows.Scan(&p, &b); err != nil {
			return nil, nil, err
		}
		proposals, bookings = append(proposals, p), append(bookings, b)
	}
	return proposals, bookings, rows.Err()
}

// CampaignBookingRow is a confirmed proposal's booking as the booking calendar has it
// now: a clerk may have cancelled or moved it.
type CampaignBookingRow struct {
	ProposalID, BookingID int64
	State                 string // the booking's
	Start                 int64  // µs
}

// ConfirmedCampaignBookings lists the bookings of confirmed proposals with their
// state and start, to compare with the proposals.
func (s *Store) ConfirmedCampaignBookings(ctx context.Context, tx *Tx) ([]CampaignBookingRow, error) {
	rows, err := tx.Query(ctx, `SELECT cb.proposal_id, cb.booking_id, b.state, b.start FROM campaign_bookings cb
		JOIN campaign_proposals p ON p.id = cb.proposal_id JOIN bookings b ON b.id = cb.booking_id
		WHERE p.state = ? ORDER BY cb.proposal_id`, ProposalConfirmed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CampaignBookingRow
	for rows.Next() {
		var r CampaignBookingRow
		if err := rows.Scan(&r.ProposalID, &r.BookingID, &r.State, &r.Start); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
