package store

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// SelfBookedCampaignCitizens returns which of the codici fiscali cfs hold an active
// booking of their own making (online or at the desk, not the campaign's) starting at
// or after from: a campaign citizen who booked the CIE themselves needs no proposal.
// The match is on the booking's cf_key, so an omocodia variant of the code still
// counts as the same person.
func (s *Store) SelfBookedCampaignCitizens(ctx context.Context, cfs []string, from time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	for i := 0; i < len(cfs); i += proposalInsertRows {
		chunk := cfs[i:min(i+proposalInsertRows, len(cfs))]
		of := make(map[string][]string, len(chunk)) // cf_key → the codes it stands for
		args := make([]any, 0, len(chunk)+4)
		for _, cf := range chunk {
			k := booking.CapKey(cf)
			if of[k] == nil {
				args = append(args, k)
			}
			of[k] = append(of[k], cf)
		}
		args = append(args, "campaign", booking.StateHeld, booking.StateConfirmed, Micros(from))
		rows, err := s.Query(ctx, `SELECT DISTINCT p.cf_key FROM booking_people p JOIN bookings b ON b.id = p.booking_id
			WHERE p.cf_key IN (`+placeholders(len(of))+`) AND b.created_by <> ? AND b.state IN (?, ?) AND b.start >= ?`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			for _, cf := range of[k] {
				out[cf] = true
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
