package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// CitizenOutcome is one line of an outcome list (the registry's deceased or emigrated,
// the counters' issued cards): what became of a citizen, and when if known.
type CitizenOutcome struct {
	CF    string
	State string    // one of BulkOutcomeStates
	Day   time.Time // when it happened (UTC midnight); zero for the upload's time
	Line  int
}

// BulkOutcomeStates are the outcomes a list may record: each closes the case. A home
// visit needs a day planned one by one, and reopening a case is a decision about one
// citizen, so neither comes by file.
var BulkOutcomeStates = []string{CitizenIssued, CitizenDeclined, CitizenDeceased, CitizenEmigrated, CitizenUntraceable}

// CitizenStatesOf maps each of cfs the campaign has to its state; codes it does not
// have are missing from the map.
func (s *Store) CitizenStatesOf(ctx context.Context, cfs []string) (map[string]string, error) {
	out := make(map[string]string, len(cfs))
	err := inChunks(cfs, func(chunk []any) error {
		rows, err := s.Query(ctx, `SELECT cf, state FROM campaign_citizens WHERE cf IN (`+campaignPlaceholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cf, st string
			if err := rows.Scan(&cf, &st); err != nil {
				return err
			}
			out[cf] = st
		}
		return rows.Err()
	})
	return out, err
}

// SetCitizenOutcomes records a whole list in one transaction, as SetCitizenOutcome
// does one: all or none. A line whose outcome the citizen already has is left alone,
// so uploading the same list twice changes nothing. The state's time (updated_at,
// what IssuedSince counts by) is the line's day when given: a list of last month's
// deaths must not look like this week's pace. It returns how many citizens changed.
func (s *Store) SetCitizenOutcomes(ctx context.Context, outcomes []CitizenOutcome) (int, error) {
	changed := 0
	now := s.Now()
	err := s.InTx(ctx, func(tx *Tx) error {
		changed = 0
		cfs := make([]string, len(outcomes))
		for i, o := range outcomes {
			cfs[i] = o.CF
		}
		states := map[string]string{}
		err := inChunks(cfs, func(chunk []any) error {
			rows, err := tx.Query(ctx, `SELECT cf, state FROM campaign_citizens WHERE cf IN (`+campaignPlaceholders(len(chunk))+`)`, chunk...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var cf, st string
				if err := rows.Scan(&cf, &st); err != nil {
					return err
				}
				states[cf] = st
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
		for _, o := range outcomes {
			old, ok := states[o.CF]
			if !ok {
				return fmt.Errorf("line %d: no citizen with that codice fiscale in the campaign: %w", o.Line, model.ErrNotFound)
			}
			if old == o.State {
				continue
			}
			at := now
			if !o.Day.IsZero() && o.Day.Before(now) {
				at = o.Day
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_citizens SET state = ?, visit_day = '', updated_at = ? WHERE cf = ?`, o.State, Micros(at), o.CF); err != nil {
				return err
			}
			open := `('planned', 'proposed', 'confirmed')`
			if o.State == CitizenIssued { // as SetCitizenOutcome: the confirmed appointment stays on record
				open = `('planned', 'proposed')`
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ?, decided_at = ?, decided_via = 'operator'
				WHERE cf = ? AND state IN `+open, ProposalCancelled, Micros(now), o.CF); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}
