package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
)

// Campaign citizen states. An import sets new (or has_cie) on insert only; every later
// state comes from the campaign itself or from an operator.
const (
	CitizenNew         = "new"      // imported, no proposal yet (or its proposal expired)
	CitizenHasCIE      = "has_cie"  // already holds a CIE: not part of the campaign
	CitizenPlanned     = "planned"  // proposal made, not yet sent
	CitizenProposed    = "proposed" // proposal sent, awaiting an answer
	CitizenConfirmed   = "confirmed"
	CitizenIssued      = "issued"
	CitizenDeclined    = "declined"
	CitizenDeceased    = "deceased"
	CitizenEmigrated   = "emigrated"
	CitizenUntraceable = "untraceable"
	CitizenHomeVisit   = "home_visit"
)

// CitizenStates are the states an operator may set by hand, in display order.
var CitizenStates = []string{CitizenNew, CitizenPlanned, CitizenProposed, CitizenConfirmed, CitizenIssued, CitizenDeclined, CitizenDeceased, CitizenEmigrated, CitizenUntraceable, CitizenHomeVisit}

// CampaignCitizen is one register row with its campaign state.
type CampaignCitizen struct {
	register.Citizen
	State    string
	EmailBad bool
	VisitDay string
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added, Updated, Unchanged int
}

// importChunk is how many rows one staging transaction writes: SQLite's single
// writer is held for a fraction of a second, so bookings are not kept waiting.
var importChunk = 5000

// importTiming says how long an import held the write lock: its longest staging
// transaction and the transaction that applies the batch.
type importTiming struct {
	Stage, LongestStage, Apply time.Duration
}

// ImportCitizens upserts the extract: new codes are added, rows whose content changed
// are updated, identical rows are left alone, and the campaign state is never written
// for an existing row. progress, when set, gets the rows done so far.
//
// It is all-or-nothing without one long transaction: the new and changed rows are
// staged in chunks under a batch id, invisible to everything else, and one
// set-based statement applies the batch at the end. An import that stops half-way
// leaves only staged rows, which the next import clears; an unchanged file writes
// nothing at all.
func (s *Store) ImportCitizens(ctx context.Context, cs []register.Citizen, progress func(done int)) (ImportResult, error) {
	return s.importCitizens(ctx, cs, progress, &importTiming{})
}

func (s *Store) importCitizens(ctx context.Context, cs []register.Citizen, progress func(done int), tm *importTiming) (ImportResult, error) {
	var res ImportResult
	hashes, err := s.citizenHashes(ctx)
	if err != nil {
		return res, err
	}
	var todo []*register.Citizen
	for i := range cs {
		c := &cs[i]
		switch old, exists := hashes[c.CF]; {
		case !exists:
			res.Added++
			todo = append(todo, c)
		case old != c.Hash():
			res.Updated++
			todo = append(todo, c)
		default:
			res.Unchanged++
		}
	}
	if len(todo) == 0 {
		if progress != nil {
			progress(len(cs))
		}
		return res, nil
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
		return res, err
	}
	done := len(cs) - len(todo)
	for i := 0; i < len(todo); i += importChunk {
		chunk := todo[i:min(i+importChunk, len(todo))]
		if err := stage(func(tx *Tx) error { return s.stageCitizens(ctx, tx, batch, Micros(now), chunk) }); err != nil {
			return res, err
		}
		if progress != nil {
			progress(done + i + len(chunk))
		}
	}
	t := time.Now()
	err = s.InTx(ctx, func(tx *Tx) error {
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
			email_bad = CASE WHEN campaign_citizens.email = excluded.email THEN campaign_citizens.email_bad ELSE 0 END,
			updated_at = excluded.updated_at
			WHERE campaign_citizens.row_hash <> excluded.row_hash`, Micros(now), Micros(now), batch)
		return err
	})
	tm.Apply = time.Since(t)
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	// the applied batch's staging rows go in their own statement: if it fails, the
	// next import clears them
	if _, err := s.Exec(ctx, `DELETE FROM campaign_import_rows WHERE batch = ?`, batch); err != nil {
		return res, err
	}
	return res, nil
}

// citizenHashes maps every imported code to its row hash.
func (s *Store) citizenHashes(ctx context.Context) (map[string]string, error) {
	rows, err := s.Query(ctx, `SELECT cf, row_hash FROM campaign_citizens`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hashes := map[string]string{}
	for rows.Next() {
		var cf, h string
		if err := rows.Scan(&cf, &h); err != nil {
			return nil, err
		}
		hashes[cf] = h
	}
	return hashes, rows.Err()
}

// stageRows is how many rows one staging INSERT carries (21 values each).
const stageRows = 300

// stageCitizens writes rows of batch to the staging table with multi-row INSERTs.
func (s *Store) stageCitizens(ctx context.Context, tx *Tx, batch string, now int64, cs []*register.Citizen) error {
	for i := 0; i < len(cs); i += stageRows {
		chunk := cs[i:min(i+stageRows, len(cs))]
		args := make([]any, 0, 21*len(chunk))
		for _, c := range chunk {
			state := CitizenNew
			if c.CardType == register.CardCIE {
				state = CitizenHasCIE
			}
			args = append(args, batch, c.CF, c.FamilyName, c.GivenNames, c.Sex, campaignDay(c.Birth), c.Household, c.Address, c.Postcode, c.Lat, c.Lon,
				c.CardType, c.CardNumber, campaignDay(c.CardExpiry), c.Email, c.Phone, campaignDay(c.Due), boolInt(c.Frail), c.Hash(), state, now)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO campaign_import_rows (batch, cf, family_name, given_names, sex, birth_date, household, address, postcode, lat, lon,
			card_type, card_number, card_expiry, email, phone, due_date, frail, row_hash, state, staged_at) VALUES `+campaignRows(len(chunk), 21), args...); err != nil {
			return fmt.Errorf("import lines %d-%d: %w", chunk[0].Line, chunk[len(chunk)-1].Line, err)
		}
	}
	return nil
}

// newImportBatch is a random batch id.
func newImportBatch() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func campaignDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func campaignParseDay(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const citizenCols = `cf, family_name, given_names, sex, birth_date, household, address, postcode, lat, lon, card_type, card_number, card_expiry, email, phone, due_date, frail, state, email_bad, visit_day`

func scanCitizen(sc interface{ Scan(...any) error }) (*CampaignCitizen, error) {
	var c CampaignCitizen
	var birth, expiry, due string
	var frail, bad int
	err := sc.Scan(&c.CF, &c.FamilyName, &c.GivenNames, &c.Sex, &birth, &c.Household, &c.Address, &c.Postcode, &c.Lat, &c.Lon,
		&c.CardType, &c.CardNumber, &expiry, &c.Email, &c.Phone, &due, &frail, &c.State, &bad, &c.VisitDay)
	c.Birth, c.CardExpiry, c.Due = campaignParseDay(birth), campaignParseDay(expiry), campaignParseDay(due)
	c.Frail, c.EmailBad = frail != 0, bad != 0
	return &c, err
}

// CampaignCitizen finds one citizen by codice fiscale.
func (s *Store) CampaignCitizen(ctx context.Context, cf string) (*CampaignCitizen, error) {
	c, err := scanCitizen(s.QueryRow(ctx, `SELECT `+citizenCols+` FROM campaign_citizens WHERE cf = ?`, cf))
	if err != nil {
		return nil, fmt.Errorf("campaign citizen: %w", s.translate(err))
	}
	return c, nil
}

// CampaignCitizens lists citizens in the given states (all when none), ordered by
// household so callers can group them.
func (s *Store) CampaignCitizens(ctx context.Context, q Querier, states ...string) ([]*CampaignCitizen, error) {
	query := `SELECT ` + citizenCols + ` FROM campaign_citizens`
	var args []any
	if len(states) > 0 {
		query += ` WHERE state IN (` + campaignPlaceholders(len(states)) + `)`
		for _, st := range states {
			args = append(args, st)
		}
	}
	if q == nil {
		q = campaignReader{s}
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY household, cf`, args...)
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

// PlanCitizens lists, ordered by household, what the optimiser needs of the citizens
// in the given states and of those named in also that are still proposed (a
// re-plan's, whose proposals are past their deadline). Only the columns planning
// reads are loaded: at Milan size the full rows cost a third of the re-plan's read.
// also is looked up by primary key a few hundred at a time: "OR cf IN (subquery)"
// ran for minutes on a PostgreSQL without statistics yet.
func (s *Store) PlanCitizens(ctx context.Context, states []string, also []string) ([]*CampaignCitizen, error) {
	const cols = `cf, household, lat, lon, birth_date, due_date, frail, email, email_bad, state`
	var out []*CampaignCitizen
	read := func(q string, args ...any) error {
		rows, err := s.Query(ctx, `SELECT `+cols+` FROM campaign_citizens WHERE `+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c CampaignCitizen
			var birth, due string
			var frail, bad int
			if err := rows.Scan(&c.CF, &c.Household, &c.Lat, &c.Lon, &birth, &due, &frail, &c.Email, &bad, &c.State); err != nil {
				return err
			}
			c.Birth, c.Due = campaignParseDay(birth), campaignParseDay(due)
			c.Frail, c.EmailBad = frail != 0, bad != 0
			out = append(out, &c)
		}
		return rows.Err()
	}
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	if err := read(`state IN (`+campaignPlaceholders(len(states))+`)`, args...); err != nil {
		return nil, err
	}
	for i := 0; i < len(also); i += proposalInsertRows {
		chunk := also[i:min(i+proposalInsertRows, len(also))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, CitizenProposed)
		for _, cf := range chunk {
			args = append(args, cf)
		}
		// "state || ''", as in moveCitizens: by primary key, not by the state index
		if err := read(`state || '' = ? AND cf IN (`+campaignPlaceholders(len(chunk))+`)`, args...); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Household != out[j].Household {
			return out[i].Household < out[j].Household
		}
		return out[i].CF < out[j].CF
	})
	return out, nil
}

// SetCitizenState records an operator's or the campaign's decision about a citizen;
// visitDay is kept only for home visits.
func (s *Store) SetCitizenState(ctx context.Context, q Querier, cf, state, visitDay string) error {
	res, err := q.ExecContext(ctx, `UPDATE campaign_citizens SET state = ?, visit_day = ?, updated_at = ? WHERE cf = ?`, state, visitDay, Micros(s.Now()), cf)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("campaign citizen: %w", model.ErrNotFound)
	}
	return nil
}

// MarkEmailBad records a permanent bounce, so the citizen gets letters from now on.
func (s *Store) MarkEmailBad(ctx context.Context, cf string) error {
	_, err := s.Exec(ctx, `UPDATE campaign_citizens SET email_bad = 1, updated_at = ? WHERE cf = ?`, Micros(s.Now()), cf)
	return err
}

// campaignReader is the read pool as a Querier.
type campaignReader struct{ s *Store }

func (r campaignReader) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.s.Exec(ctx, q, args...)
}
func (r campaignReader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.s.Query(ctx, q, args...)
}
func (r campaignReader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.s.QueryRow(ctx, q, args...)
}

// campaignPlaceholders is "?,?,…" for an IN list.
func campaignPlaceholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// OutcomeStates are what an operator records about a citizen from the counter or the
// register; each one ends the citizen's open proposal, so its slot goes back.
var OutcomeStates = []string{CitizenIssued, CitizenDeclined, CitizenDeceased, CitizenEmigrated, CitizenUntraceable, CitizenHomeVisit, CitizenNew}

// SetCitizenOutcome records an outcome and cancels the citizen's open proposal (new
// puts the citizen back for the next re-plan).
func (s *Store) SetCitizenOutcome(ctx context.Context, cf, state, visitDay string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := s.SetCitizenState(ctx, tx, cf, state, visitDay); err != nil {
			return err
		}
		// an issued card keeps its confirmed appointment on record: it is what the
		// confirmation rates count
		open := `('planned', 'proposed', 'confirmed')`
		if state == CitizenIssued {
			open = `('planned', 'proposed')`
		}
		_, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ?, decided_at = ?, decided_via = 'operator'
			WHERE cf = ? AND state IN `+open, ProposalCancelled, Micros(s.Now()), cf)
		return err
	})
}
