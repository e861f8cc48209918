package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// An expiry re-plan re-proposes in place: each citizen planned again keeps its
// proposal row (and its letter code) with a new slot, deadline and nonce, and the
// attempt that expired goes to campaign_proposal_attempts. Updating a row in place
// touches two of its indexes (the deadline's and the office-week's) where expiring it
// and inserting a new one touched the table and all six, which at Milan's size was
// most of the pass's write.

// RetireDueAttempts copies every proposal still awaiting an answer past its deadline
// at now into the attempts history, ended at now, and counts them. The caller then
// re-proposes each of them (ReproposeCampaignProposals) in the same transaction; the
// due proposals it does not plan again it expires first (ExpireCampaignProposalsByID).
func (s *Store) RetireDueAttempts(ctx context.Context, tx *Tx, now time.Time) (int, error) {
	res, err := tx.Exec(ctx, `INSERT INTO campaign_proposal_attempts (proposal_id, run_id, office_id, day, minute, channel, nonce, sent_at, deadline, reminders, ended_at)
		SELECT id, run_id, office_id, day, minute, channel, nonce, sent_at, deadline, reminders, ? FROM campaign_proposals WHERE state = ? AND deadline <= ?`,
		Micros(now), ProposalProposed, Micros(now))
	if err != nil {
		return 0, fmt.Errorf("retire due proposals: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ExpireCampaignProposalsByID expires those of the given proposals still awaiting an
// answer past their deadline at now, and counts them.
func (s *Store) ExpireCampaignProposalsByID(ctx context.Context, tx *Tx, now time.Time, ids []int64) (int, error) {
	n := 0
	for i := 0; i < len(ids); i += proposalInsertRows {
		chunk := ids[i:min(i+proposalInsertRows, len(ids))]
		args := make([]any, 0, len(chunk)+4)
		args = append(args, ProposalExpired, Micros(now), ProposalProposed, Micros(now))
		for _, id := range chunk {
			args = append(args, id)
		}
		res, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ?, decided_at = ?, decided_via = 'deadline'
			WHERE state = ? AND deadline <= ? AND id IN (`+campaignPlaceholders(len(chunk))+`)`, args...)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// reproposeCols is one row of ReproposeCampaignProposals' VALUES list: id, office_id,
// day, minute, week, channel, nonce, deadline. The first row's casts type the columns
// for PostgreSQL, which would otherwise take the parameters for text.
const reproposeCols = 8

// ReproposeCampaignProposals gives each of ps (by ID, each awaiting an answer past
// its deadline at now) its new slot, channel, nonce and deadline, as sent at sentAt
// by run ps[i].RunID, with its reminders reset; state, citizen, household and letter
// code stay. It fails with model.ErrConflict unless every one was still due: its
// earlier attempt must be in the history (RetireDueAttempts) before it is overwritten.
func (s *Store) ReproposeCampaignProposals(ctx context.Context, tx *Tx, now, sentAt time.Time, ps []*CampaignProposal) error {
	// by id: the rows are updated in table order, each page visited once
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	first := "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT))"
	var full string
	for i := 0; i < len(ps); i += proposalInsertRows {
		chunk := ps[i:min(i+proposalInsertRows, len(ps))]
		q := full
		if q == "" || len(chunk) < proposalInsertRows {
			values := first
			if len(chunk) > 1 {
				values += ", " + campaignRows(len(chunk)-1, reproposeCols)
			}
			// SQLite and PostgreSQL both name a VALUES list's columns column1, column2, ….
			// "state || ''" and "+deadline" keep SQLite from walking the due proposals by
			// the state index and scanning the VALUES list for each (a minute at Milan's
			// size): the VALUES rows drive, each finding its proposal by primary key.
			q = `UPDATE campaign_proposals SET run_id = ?, office_id = v.column2, day = v.column3, minute = v.column4, week = v.column5,
				channel = v.column6, nonce = v.column7, deadline = v.column8, created_at = ?, sent_at = ?, reminders = 0, reminded_at = 0
				FROM (VALUES ` + values + `) AS v
				WHERE campaign_proposals.id = v.column1 AND campaign_proposals.state || '' = ? AND +campaign_proposals.deadline <= ?`
			if len(chunk) == proposalInsertRows {
				full = q
			}
		}
		args := make([]any, 0, 3+reproposeCols*len(chunk)+2)
		args = append(args, chunk[0].RunID, Micros(sentAt), Micros(sentAt))
		for _, p := range chunk {
			args = append(args, p.ID, p.OfficeID, p.Day, p.Minute, p.Week, p.Channel, p.Nonce, Micros(p.Deadline))
		}
		args = append(args, ProposalProposed, Micros(now))
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("re-propose: %w", err)
		}
		if n, _ := res.RowsAffected(); int(n) != len(chunk) {
			return fmt.Errorf("%d of %d proposals re-proposed, the others no longer due: %w", n, len(chunk), model.ErrConflict)
		}
	}
	for _, p := range ps {
		p.State, p.SentAt, p.CreatedAt, p.Reminders, p.RemindedAt = ProposalProposed, sentAt, sentAt, 0, time.Time{}
	}
	return nil
}

// SetCampaignProposalHousehold follows a citizen's household changed by a re-import
// into its proposal, re-proposed in place (rare: the few whose household moved).
func (s *Store) SetCampaignProposalHousehold(ctx context.Context, tx *Tx, id int64, household string) error {
	_, err := tx.Exec(ctx, `UPDATE campaign_proposals SET household = ? WHERE id = ?`, household, id)
	return err
}

// ProposalAttempt is an earlier, expired attempt of a proposal re-proposed in place.
type ProposalAttempt struct {
	ProposalID int64
	RunID      int64
	OfficeID   int64
	Day        string
	Minute     int
	Channel    string
	Nonce      string
	SentAt     time.Time
	Deadline   time.Time
	Reminders  int
	EndedAt    time.Time
}

// CampaignProposalAttempts lists a proposal's earlier attempts, oldest first.
func (s *Store) CampaignProposalAttempts(ctx context.Context, q Querier, proposalID int64) ([]ProposalAttempt, error) {
	if q == nil {
		q = campaignReader{s}
	}
	rows, err := q.QueryContext(ctx, `SELECT proposal_id, run_id, office_id, day, minute, channel, nonce, sent_at, deadline, reminders, ended_at
		FROM campaign_proposal_attempts WHERE proposal_id = ? ORDER BY id`, proposalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProposalAttempt
	for rows.Next() {
		var a ProposalAttempt
		var sent, deadline, ended int64
		if err := rows.Scan(&a.ProposalID, &a.RunID, &a.OfficeID, &a.Day, &a.Minute, &a.Channel, &a.Nonce, &sent, &deadline, &a.Reminders, &ended); err != nil {
			return nil, err
		}
		a.SentAt, a.Deadline, a.EndedAt = FromMicros(sent), FromMicros(deadline), FromMicros(ended)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ExpiredAttemptsByChannel counts the attempts that expired and were re-proposed, per
// channel (Key2 is "expired"): with ProposalsByChannel, every proposal a citizen was
// sent and what became of it.
func (s *Store) ExpiredAttemptsByChannel(ctx context.Context) ([]CampaignCount, error) {
	return s.campaignCounts(ctx, `SELECT channel, '`+ProposalExpired+`', COUNT(*) FROM campaign_proposal_attempts GROUP BY channel ORDER BY channel`)
}

// TakenLetterCodes says which of codes some proposal already has.
func (s *Store) TakenLetterCodes(ctx context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for i := 0; i < len(codes); i += proposalInsertRows {
		chunk := codes[i:min(i+proposalInsertRows, len(codes))]
		args := make([]any, len(chunk))
		for j, c := range chunk {
			args[j] = c
		}
		rows, err := s.Query(ctx, `SELECT letter_code FROM campaign_proposals WHERE letter_code IN (`+campaignPlaceholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, err
			}
			out[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
