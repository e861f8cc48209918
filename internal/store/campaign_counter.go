package store

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// MoveCitizenState changes cf's campaign state from one value to another, dating the
// change at (updated_at, what IssuedSince counts by), and says whether it did: a
// citizen no longer in from is left alone, so two writers cannot both move them. A
// non-zero fromAt also wants the citizen's state dated fromAt, so a correction undoes
// only the change it made itself and not an operator's later word.
func (s *Store) MoveCitizenState(ctx context.Context, tx *Tx, cf, from, to string, at, fromAt time.Time) (bool, error) {
	q := `UPDATE campaign_citizens SET state = ?, visit_day = '', updated_at = ? WHERE cf = ? AND state = ?`
	args := []any{to, Micros(at), cf, from}
	if !fromAt.IsZero() {
		q += ` AND updated_at = ?`
		args = append(args, Micros(fromAt))
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// CampaignDoneBooking is a confirmed proposal whose booking the counter marked done
// while its citizen is still confirmed.
type CampaignDoneBooking struct {
	ProposalID, BookingID int64
	CF                    string
	Start                 int64 // µs
}

// UnissuedCampaignBookings lists the confirmed proposals whose booking is done while
// their citizen is still confirmed: applications taken at the counter that the
// campaign has not counted as issued yet.
func (s *Store) UnissuedCampaignBookings(ctx context.Context, tx *Tx) ([]CampaignDoneBooking, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, b.id, p.cf, b.start FROM campaign_bookings cb
		JOIN campaign_proposals p ON p.id = cb.proposal_id JOIN bookings b ON b.id = cb.booking_id
		JOIN campaign_citizens c ON c.cf = p.cf
		WHERE p.state = ? AND b.state = ? AND c.state = ? ORDER BY p.id`, ProposalConfirmed, booking.StateDone, CitizenConfirmed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CampaignDoneBooking
	for rows.Next() {
		var d CampaignDoneBooking
		if err := rows.Scan(&d.ProposalID, &d.BookingID, &d.CF, &d.Start); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
