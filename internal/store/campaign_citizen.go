package store

import (
	"context"
	"database/sql"
	"fmt"
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

// ImportCitizens upserts the extract in one transaction: new codes are added, rows whose
// content changed are updated, identical rows are left alone, and the campaign state is
// never written for an existing row. progress, when set, gets the rows done so far.
func (s *Store) ImportCitizens(ctx context.Context, cs []register.Citizen, progress func(done int)) (ImportResult, error) {
	var res ImportResult
	now := Micros(s.Now())
	err := s.InTx(ctx, func(tx *Tx) error {
		res = ImportResult{}
		hashes := map[string]string{}
		rows, err := tx.Query(ctx, `SELECT cf, row_hash FROM campaign_citizens`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var cf, h string
			if err := rows.Scan(&cf, &h); err != nil {
				rows.Close()
				return err
			}
			hashes[cf] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ins, err := tx.tx.PrepareContext(ctx, s.Rebind(`INSERT INTO campaign_citizens (family_name, given_names, sex, birth_date, household, address, postcode, lat, lon,
			card_type, card_number, card_expiry, email, phone, due_date, frail, row_hash, cf, state, imported_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return s.translate(err)
		}
		defer ins.Close()
		upd, err := tx.tx.PrepareContext(ctx, s.Rebind(`UPDATE campaign_citizens SET family_name = ?, given_names = ?, sex = ?, birth_date = ?, household = ?,
			address = ?, postcode = ?, lat = ?, lon = ?, card_type = ?, card_number = ?, card_expiry = ?, email = ?, phone = ?, due_date = ?,
			frail = ?, row_hash = ?, email_bad = CASE WHEN email = ? THEN email_bad ELSE 0 END, updated_at = ? WHERE cf = ?`))
		if err != nil {
			return s.translate(err)
		}
		defer upd.Close()
		for i := range cs {
			c := &cs[i]
			h := c.Hash()
			fields := []any{c.FamilyName, c.GivenNames, c.Sex, campaignDay(c.Birth), c.Household, c.Address, c.Postcode, c.Lat, c.Lon,
				c.CardType, c.CardNumber, campaignDay(c.CardExpiry), c.Email, c.Phone, campaignDay(c.Due), boolInt(c.Frail), h}
			old, exists := hashes[c.CF]
			switch {
			case !exists:
				state := CitizenNew
				if c.CardType == register.CardCIE {
					state = CitizenHasCIE
				}
				if _, err := ins.ExecContext(ctx, append(fields, c.CF, state, now, now)...); err != nil {
					return fmt.Errorf("import line %d: %w", c.Line, s.translate(err))
				}
				res.Added++
			case old != h:
				if _, err := upd.ExecContext(ctx, append(fields, c.Email, now, c.CF)...); err != nil {
					return fmt.Errorf("import line %d: %w", c.Line, s.translate(err))
				}
				res.Updated++
			default:
				res.Unchanged++
			}
			if progress != nil && (i+1)%5000 == 0 {
				progress(i + 1)
			}
		}
		if progress != nil {
			progress(len(cs))
		}
		return nil
	})
	return res, err
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

// CampaignCitizensToReplan lists the citizens a re-plan at now takes: those in new
// and those whose proposal is past its deadline, ordered by household.
func (s *Store) CampaignCitizensToReplan(ctx context.Context, now time.Time) ([]*CampaignCitizen, error) {
	// a UNION of two indexed lookups rather than "new OR IN (subquery)": PostgreSQL,
	// before statistics exist, ran the latter as a subquery per citizen for minutes
	rows, err := s.Query(ctx, `SELECT `+citizenCols+` FROM campaign_citizens WHERE state = ?
		UNION ALL SELECT `+prefixCols("c.", citizenCols)+` FROM campaign_proposals p JOIN campaign_citizens c ON c.cf = p.cf
		WHERE p.state = ? AND p.deadline <= ? AND c.state = ? ORDER BY 6, 1`,
		CitizenNew, ProposalProposed, Micros(now), CitizenProposed)
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

// prefixCols qualifies every column of a list with prefix.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = prefix + parts[i]
	}
	return strings.Join(parts, ", ")
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
