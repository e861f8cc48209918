package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// LetterBatch is one print run of proposal letters: when it was downloaded, how many
// envelopes (one per household at an address) and how many people they name.
type LetterBatch struct {
	ID        int64
	PrintedAt time.Time
	Letters   int
	People    int
}

// unprintedLetters selects the letter proposals awaiting an answer whose current
// attempt (nonce) is in no batch yet.
const unprintedLetters = `state = ? AND channel = ? AND NOT EXISTS (SELECT 1 FROM campaign_letter_prints lp
	WHERE lp.proposal_id = campaign_proposals.id AND lp.nonce = campaign_proposals.nonce)`

// UnprintedLetterProposals are the letter proposals awaiting an answer not yet in a
// printed batch: what the next print run must hold.
func (s *Store) UnprintedLetterProposals(ctx context.Context) ([]*CampaignProposal, error) {
	return s.CampaignProposals(ctx, nil, unprintedLetters, ProposalProposed, ChannelLetter)
}

// BatchLetterProposals are the proposals of batch id that still await an answer on
// the attempt printed then: a lost run printed again reaches the people who still
// need that letter, never someone who has answered or got a new proposal since.
func (s *Store) BatchLetterProposals(ctx context.Context, id int64) ([]*CampaignProposal, error) {
	return s.CampaignProposals(ctx, nil, `state = ? AND channel = ? AND EXISTS (SELECT 1 FROM campaign_letter_prints lp
		WHERE lp.batch_id = ? AND lp.proposal_id = campaign_proposals.id AND lp.nonce = campaign_proposals.nonce)`,
		ProposalProposed, ChannelLetter, id)
}

// letterPrintRows is how many prints one INSERT carries (3 parameters each, well
// under either driver's limit).
const letterPrintRows = 500

// RecordLetterBatch records that ps were printed now in letters envelopes and sets
// b.ID. A proposal attempt already in a batch (two downloads racing) makes it fail
// with model.ErrConflict and record nothing, so no letter is in two batches.
func (s *Store) RecordLetterBatch(ctx context.Context, b *LetterBatch, ps []*CampaignProposal) error {
	if len(ps) == 0 {
		return model.Errorf(model.EINVALID, "a letter batch needs letters")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO campaign_letter_batches (printed_at, letters, people) VALUES (?, ?, ?) RETURNING id`,
			Micros(b.PrintedAt), b.Letters, b.People).Scan(&b.ID); err != nil {
			return tx.Err(err)
		}
		for i := 0; i < len(ps); i += letterPrintRows {
			chunk := ps[i:min(i+letterPrintRows, len(ps))]
			args := make([]any, 0, 3*len(chunk))
			for _, p := range chunk {
				args = append(args, b.ID, p.ID, p.Nonce)
			}
			q := `INSERT INTO campaign_letter_prints (batch_id, proposal_id, nonce) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", ")
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				if err = tx.Err(err); errors.Is(err, model.ErrConflict) {
					return model.Errorf(model.ECONFLICT, "some of these letters were printed in another batch meanwhile: download again")
				}
				return err
			}
		}
		return nil
	})
}

// LetterBatches lists the print runs, newest first.
func (s *Store) LetterBatches(ctx context.Context) ([]*LetterBatch, error) {
	rows, err := s.Query(ctx, `SELECT id, printed_at, letters, people FROM campaign_letter_batches ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*LetterBatch
	for rows.Next() {
		b := &LetterBatch{}
		var at int64
		if err := rows.Scan(&b.ID, &at, &b.Letters, &b.People); err != nil {
			return nil, err
		}
		b.PrintedAt = FromMicros(at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// LetterBatchByID returns one print run; model.ErrNotFound when there is none.
func (s *Store) LetterBatchByID(ctx context.Context, id int64) (*LetterBatch, error) {
	b := &LetterBatch{ID: id}
	var at int64
	err := s.QueryRow(ctx, `SELECT printed_at, letters, people FROM campaign_letter_batches WHERE id = ?`, id).Scan(&at, &b.Letters, &b.People)
	if err != nil {
		return nil, s.translate(err)
	}
	b.PrintedAt = FromMicros(at)
	return b, nil
}
