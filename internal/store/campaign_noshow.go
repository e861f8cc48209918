package store

import "context"

// DecidedNoShow is the decided_via of a confirmed proposal whose citizen did not come
// to the appointment: the proposal is cancelled and the citizen is back for the
// re-plan. Like a clerk's cancellation it drops out of the confirmation rates (it was
// no answer to the proposal), and this marks it apart for the project office.
const DecidedNoShow = "no_show"

// CampaignNoShows counts the campaign appointments missed so far, per channel of the
// proposal, for the dashboard.
func (s *Store) CampaignNoShows(ctx context.Context) ([]CampaignCount, error) {
	return s.campaignCounts(ctx, `SELECT channel, '', COUNT(*) FROM campaign_proposals
		WHERE state = ? AND decided_via = ? GROUP BY channel ORDER BY channel`, ProposalCancelled, DecidedNoShow)
}
