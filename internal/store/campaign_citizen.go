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

// Campaign citizen states. An import sets new (or has_cie) on insert; on a re-import it
// changes a state only where the register settles it (importReconcile: a CIE now
// held, a move before the proposal was sent); every other state comes from the
// campaign itself or from an operator.
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
// in the given states. Only the columns planning reads are loaded: at Milan size the
// full rows cost a third of the re-plan's read.
func (s *Store) PlanCitizens(ctx context.Context, states []string) ([]*CampaignCitizen, error) {
	var out []*CampaignCitizen
	add := func(c CampaignCitizen) { out = append(out, &c) }
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	if err := s.readPlanCitizens(ctx, add, `state IN (`+campaignPlaceholders(len(states))+`)`, args...); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Household != out[j].Household {
			return out[i].Household < out[j].Household
		}
		return out[i].CF < out[j].CF
	})
	return out, nil
}

// readPlanCitizens hands add each citizen matching where, with the fields planning
// reads; by value, so a caller that keeps few of them allocates few.
func (s *Store) readPlanCitizens(ctx context.Context, add func(CampaignCitizen), where string, args ...any) error {
	return s.eachRow(ctx, `SELECT cf, household, lat, lon, birth_date, due_date, frail, email, email_bad, state FROM campaign_citizens WHERE `+where, args,
		func(r rowReader) error {
			var c CampaignCitizen
			c.CF, c.Household, c.Lat, c.Lon = r.String(0), r.String(1), r.Float64(2), r.Float64(3)
			c.Birth, c.Due, c.Frail = parseDay(r.Bytes(4)), parseDay(r.Bytes(5)), r.Int64(6) != 0
			c.Email, c.EmailBad, c.State = r.String(7), r.Int64(8) != 0, citizenState(r.Bytes(9))
			add(c)
			return nil
		})
}

// parseDay is campaignParseDay on bytes, without a string for each: a YYYY-MM-DD day
// at midnight UTC, the zero time if b is not one.
func parseDay(b []byte) time.Time {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(b[:4]), num(b[5:7]), num(b[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return time.Time{}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 April is not a day, as for time.Parse
		return time.Time{}
	}
	return t
}

// citizenState is a citizen's state from its bytes, one of the constants where it is
// one (a string each for 82,000 rows otherwise).
func citizenState(b []byte) string {
	for _, st := range CitizenStates {
		if string(b) == st {
			return st
		}
	}
	return string(b)
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
// updated_at is when the state last changed (IssuedSince counts by it), so a bounce,
// which changes no state, leaves it alone.
func (s *Store) MarkEmailBad(ctx context.Context, cf string) error {
	_, err := s.Exec(ctx, `UPDATE campaign_citizens SET email_bad = 1 WHERE cf = ?`, cf)
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
