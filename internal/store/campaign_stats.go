package store

import (
	"context"
	"fmt"
	"time"
)

// CampaignCount is one group of a GROUP BY over the campaign tables.
type CampaignCount struct {
	Key   string // state, channel, …
	Key2  string // second key when grouped by two
	Count int
}

func (s *Store) campaignCounts(ctx context.Context, q string, args ...any) ([]CampaignCount, error) {
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CampaignCount
	for rows.Next() {
		var c CampaignCount
		if err := rows.Scan(&c.Key, &c.Key2, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CitizensByState counts citizens per campaign state.
func (s *Store) CitizensByState(ctx context.Context) ([]CampaignCount, error) {
	return s.campaignCounts(ctx, `SELECT state, '', COUNT(*) FROM campaign_citizens GROUP BY state ORDER BY state`)
}

// ProposalsByChannel counts sent proposals per channel and state; cancelled and
// not-yet-sent ones are left out, since no citizen saw them.
func (s *Store) ProposalsByChannel(ctx context.Context) ([]CampaignCount, error) {
	return s.campaignCounts(ctx, `SELECT channel, state, COUNT(*) FROM campaign_proposals
		WHERE state NOT IN ('planned', 'cancelled') GROUP BY channel, state ORDER BY channel, state`)
}

// ProposalsByOffice counts the proposals holding capacity per office (its id as text)
// and state.
func (s *Store) ProposalsByOffice(ctx context.Context) ([]CampaignCount, error) {
	return s.campaignCounts(ctx, `SELECT CAST(office_id AS TEXT), state, COUNT(*) FROM campaign_proposals
		WHERE state IN ('planned', 'proposed', 'confirmed') GROUP BY office_id, state ORDER BY office_id, state`)
}

// IssuedSince counts citizens marked issued since t: the observed throughput.
func (s *Store) IssuedSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	err := s.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_citizens WHERE state = ? AND updated_at >= ?`, CitizenIssued, Micros(t)).Scan(&n)
	return n, s.translate(err)
}

// homeVisitWhere selects the citizens flagged frail or already set for a home visit
// whose case is still open.
const homeVisitWhere = `(frail = 1 OR state = ?) AND state NOT IN (?, ?, ?, ?, ?)`

func homeVisitArgs() []any {
	return []any{CitizenHomeVisit, CitizenIssued, CitizenDeceased, CitizenEmigrated, CitizenHasCIE, CitizenDeclined}
}

// HomeVisitCandidates lists citizens flagged frail or already set for a home visit,
// for the separate home and care-home schedule: the first limit of them, or every
// one when limit is 0 or less (the export, which must never stop short).
func (s *Store) HomeVisitCandidates(ctx context.Context, limit int) ([]*CampaignCitizen, error) {
	q, args := `SELECT `+citizenCols+` FROM campaign_citizens WHERE `+homeVisitWhere+` ORDER BY visit_day, postcode, cf`, homeVisitArgs()
	if limit > 0 {
		q, args = q+` LIMIT ?`, append(args, limit)
	}
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*CampaignCitizen
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountHomeVisitCandidates counts what HomeVisitCandidates lists without a limit, so
// a page showing the first ones can say how many more there are.
func (s *Store) CountHomeVisitCandidates(ctx context.Context) (int, error) {
	var n int
	err := s.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_citizens WHERE `+homeVisitWhere, homeVisitArgs()...).Scan(&n)
	return n, s.translate(err)
}

// LastConfirmedCampaignDay is the day of the latest confirmed campaign appointment,
// zero when none is confirmed: the forecast's finish is never before it.
func (s *Store) LastConfirmedCampaignDay(ctx context.Context) (time.Time, error) {
	var day string
	err := s.QueryRow(ctx, `SELECT COALESCE(MAX(day), '') FROM campaign_proposals WHERE state = ?`, ProposalConfirmed).Scan(&day)
	if err != nil || day == "" {
		return time.Time{}, s.Err(err)
	}
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return time.Time{}, fmt.Errorf("last confirmed appointment %q: %w", day, err)
	}
	return t, nil
}
