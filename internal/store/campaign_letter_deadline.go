package store

import (
	"context"
	"time"
)

// SetLetterDeadlines stores, in one transaction, the answer deadline of each letter
// proposal in ps as the letter printed now states it: a letter's window starts when
// it arrives, not when the plan was sent, and the expiry must act on the date the
// citizen read. Each update is guarded by the attempt (nonce) and the state it was
// read in: a proposal answered or re-proposed meanwhile keeps its own deadline.
func (s *Store) SetLetterDeadlines(ctx context.Context, ps []*CampaignProposal) error {
	if len(ps) == 0 {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error { return setLetterDeadlines(ctx, tx, ps) })
}

func setLetterDeadlines(ctx context.Context, tx *Tx, ps []*CampaignProposal) error {
	byDeadline := map[int64][]*CampaignProposal{}
	var order []int64
	for _, p := range ps {
		d := Micros(p.Deadline)
		if _, ok := byDeadline[d]; !ok {
			order = append(order, d)
		}
		byDeadline[d] = append(byDeadline[d], p)
	}
	// nearly every letter of a run shares one deadline: one UPDATE per few hundred
	for _, d := range order {
		group := byDeadline[d]
		for i := 0; i < len(group); i += proposalInsertRows {
			chunk := group[i:min(i+proposalInsertRows, len(group))]
			args := make([]any, 0, 2*len(chunk)+2)
			args = append(args, d, ProposalProposed)
			cond := ""
			for j, p := range chunk {
				if j > 0 {
					cond += " OR "
				}
				cond += "(id = ? AND nonce = ?)"
				args = append(args, p.ID, p.Nonce)
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_proposals SET deadline = ? WHERE state = ? AND (`+cond+`)`, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// HoldLetterProposals returns to the pool the letter proposals in ps whose letter can
// no longer leave the whole answer window before the appointment: their deadline
// becomes at, so the expiry (and the re-plan, which proposes a later slot in place,
// keeping the letter code) takes them, and no letter with a date already gone is
// printed. Guarded like SetLetterDeadlines.
func (s *Store) HoldLetterProposals(ctx context.Context, at time.Time, ps []*CampaignProposal) error {
	for _, p := range ps {
		p.Deadline = at
	}
	return s.SetLetterDeadlines(ctx, ps)
}
