package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
)

// ImportResult counts what an import did.
type ImportResult struct {
	Added, Updated, Unchanged int
}

// ImportReport is an import's counts and what the project office should know of it:
// the cases the new extract settled (and how) and those it only flags.
type ImportReport struct {
	ImportResult
	Reviews  []ImportReview
	AddedCFs []string // the codes new to the campaign (for outreach.JoinHouseholds)
}

// Count is how many reviews of kind the report has.
func (r *ImportReport) Count(kind string) int {
	n := 0
	for _, v := range r.Reviews {
		if v.Kind == kind {
			n++
		}
	}
	return n
}

// importChunk is how many rows one staging transaction writes: SQLite's single
// writer is held for a fraction of a second, so bookings are not kept waiting.
var importChunk = 5000

// importTiming says how long an import held the write lock: its longest staging
// transaction and the transaction that applies the batch.
type importTiming struct {
	Stage, LongestStage, Apply time.Duration
}

// ImportCitizens is ImportCitizensReport without the review list.
func (s *Store) ImportCitizens(ctx context.Context, cs []register.Citizen, progress func(done int)) (ImportResult, error) {
	rep, err := s.importCitizens(ctx, cs, progress, &importTiming{})
	if err != nil {
		return ImportResult{}, err
	}
	return rep.ImportResult, nil
}

// ImportCitizensReport upserts the extract: new codes are added, rows whose content
// changed are updated, identical rows are left alone. A changed row changes the
// campaign only where the register settles it (importReconcile); the report lists
// those cases, the ones left to the project office, and the citizens the extract no
// longer has, which are never deleted: an extract may be partial. progress, when
// set, gets the rows done so far.
//
// It is all-or-nothing without one long transaction: the new and changed rows are
// staged in chunks under a batch id, invisible to everything else, and one
// set-based statement applies the batch at the end, with the state changes in the
// same transaction. An import that stops half-way leaves only staged rows, which the
// next import clears; an unchanged file writes nothing at all.
func (s *Store) ImportCitizensReport(ctx context.Context, cs []register.Citizen, progress func(done int)) (*ImportReport, error) {
	return s.importCitizens(ctx, cs, progress, &importTiming{})
}

func (s *Store) importCitizens(ctx context.Context, cs []register.Citizen, progress func(done int), tm *importTiming) (*ImportReport, error) {
	rep := &ImportReport{}
	prior, err := s.importPrior(ctx)
	if err != nil {
		return nil, err
	}
	var todo []*register.Citizen
	var changes []importChange
	seen := make(map[string]bool, len(cs))
	for i := range cs {
		c := &cs[i]
		seen[c.CF] = true
		switch old, exists := prior[c.CF]; {
		case !exists:
			rep.Added++
			rep.AddedCFs = append(rep.AddedCFs, c.CF)
			todo = append(todo, c)
		case old.hash != c.Hash():
			rep.Updated++
			todo = append(todo, c)
			if ch, ok := changeOf(old, c); ok {
				changes = append(changes, ch)
			}
		default:
			rep.Unchanged++
		}
	}
	rep.Reviews = absentees(prior, seen)
	if len(todo) == 0 {
		if progress != nil {
			progress(len(cs))
		}
		return rep, nil
	}
	now := s.Now()
	batch := newImportBatch()
	stage := func(fn func(tx *Tx) error) error {
		t := time.Now()
		err := s.InTx(ctx, fn)
		d := time.Since(t)
		tm.Stage += d
		tm.LongestStage = max(tm.LongestStage, d)
		return err
	}
	// batches older than a day are imports that stopped half-way
	if err := stage(func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM campaign_import_rows WHERE staged_at < ?`, Micros(now.Add(-24*time.Hour)))
		return err
	}); err != nil {
		return nil, err
	}
	done := len(cs) - len(todo)
	for i := 0; i < len(todo); i += importChunk {
		chunk := todo[i:min(i+importChunk, len(todo))]
		if err := stage(func(tx *Tx) error { return s.stageCitizens(ctx, tx, batch, Micros(now), chunk) }); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(done + i + len(chunk))
		}
	}
	t := time.Now()
	var reviews []ImportReview
	err = s.InTx(ctx, func(tx *Tx) error {
		// updated_at is when the campaign state last changed, which IssuedSince counts
		// the observed pace by: new content alone leaves it as it was
		_, err := tx.Exec(ctx, `INSERT INTO campaign_citizens (cf, family_name, given_names, sex, birth_date, household, address, postcode, lat, lon,
			card_type, card_number, card_expiry, email, phone, due_date, frail, row_hash, state, imported_at, updated_at)
			SELECT cf, family_name, given_names, sex, birth_date, household, address, postcode, lat, lon,
			card_type, card_number, card_expiry, email, phone, due_date, frail, row_hash, state, ?, ?
			FROM campaign_import_rows WHERE batch = ?
			ON CONFLICT (cf) DO UPDATE SET family_name = excluded.family_name, given_names = excluded.given_names, sex = excluded.sex,
			birth_date = excluded.birth_date, household = excluded.household, address = excluded.address, postcode = excluded.postcode,
			lat = excluded.lat, lon = excluded.lon, card_type = excluded.card_type, card_number = excluded.card_number,
			card_expiry = excluded.card_expiry, email = excluded.email, phone = excluded.phone, due_date = excluded.due_date,
			frail = excluded.frail, row_hash = excluded.row_hash,
			email_bad = CASE WHEN campaign_citizens.email = excluded.email THEN campaign_citizens.email_bad ELSE 0 END
			WHERE campaign_citizens.row_hash <> excluded.row_hash`, Micros(now), Micros(now), batch)
		if err != nil {
			return err
		}
		reviews, err = s.importReconcile(ctx, tx, now, changes)
		return err
	})
	tm.Apply = time.Since(t)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	rep.Reviews = append(reviews, rep.Reviews...)
	// the applied batch's staging rows go in their own statement: if it fails, the
	// next import clears them
	if _, err := s.Exec(ctx, `DELETE FROM campaign_import_rows WHERE batch = ?`, batch); err != nil {
		return nil, err
	}
	return rep, nil
}

// priorCitizen is what a re-import compares a row with.
type priorCitizen struct {
	hash, cardType, state, name string
	lat, lon                    float64
}

// importPrior reads every imported citizen's hash and the fields a change is judged by.
func (s *Store) importPrior(ctx context.Context) (map[string]priorCitizen, error) {
	rows, err := s.Query(ctx, `SELECT cf, row_hash, card_type, state, family_name, given_names, lat, lon FROM campaign_citizens`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]priorCitizen{}
	for rows.Next() {
		var cf, family, given string
		var p priorCitizen
		if err := rows.Scan(&cf, &p.hash, &p.cardType, &p.state, &family, &given, &p.lat, &p.lon); err != nil {
			return nil, err
		}
		p.name = family + " " + given
		out[cf] = p
	}
	return out, rows.Err()
}
