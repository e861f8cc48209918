package store

import (
	"context"
	"time"
)

// SpendCampaignLink records that the personal link whose token hashes to hash
// confirmed proposalID; the record serves until expires, the link's own expiry.
// Recording the same link twice keeps the first record.
func (s *Store) SpendCampaignLink(ctx context.Context, hash string, proposalID int64, expires time.Time) error {
	_, err := s.Exec(ctx, `INSERT INTO campaign_spent_links (token_hash, proposal_id, expires_at, spent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash) DO NOTHING`, hash, proposalID, Micros(expires), Micros(s.Now()))
	return s.translate(err)
}

// SpentCampaignLink returns the proposal a spent link confirmed and the link's
// expiry; model.ErrNotFound when no link with that hash was spent.
func (s *Store) SpentCampaignLink(ctx context.Context, hash string) (proposalID int64, expires time.Time, err error) {
	var exp int64
	err = s.QueryRow(ctx, `SELECT proposal_id, expires_at FROM campaign_spent_links WHERE token_hash = ?`, hash).Scan(&proposalID, &exp)
	if err != nil {
		return 0, time.Time{}, s.translate(err)
	}
	return proposalID, FromMicros(exp), nil
}
