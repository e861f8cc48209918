package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// CampaignPlanRow is one proposal as the plan export writes it: PLAN.csv's columns
// first, then what became of it.
type CampaignPlanRow struct {
	CF, Household string
	OfficeID      int64
	OfficeName    string
	Day           string
	Minute        int
	State         string
	Channel       string
	Deadline      time.Time // zero while planned and not sent
	FamilyName    string
	GivenNames    string
}

// EachCampaignPlanRow calls fn for every proposal in states (all when none), by day,
// time, office and household: the plan as the offices will see it arrive. Rows are
// streamed, not collected, so a city's plan costs no more memory than one row.
func (s *Store) EachCampaignPlanRow(ctx context.Context, states []string, fn func(*CampaignPlanRow) error) error {
	q := `SELECT p.cf, p.household, p.office_id, COALESCE(o.name, ''), p.day, p.minute, p.state, p.channel, p.deadline, c.family_name, c.given_names
		FROM campaign_proposals p JOIN campaign_citizens c ON c.cf = p.cf LEFT JOIN offices o ON o.id = p.office_id`
	var args []any
	if len(states) > 0 {
		q += ` WHERE p.state IN (` + campaignPlaceholders(len(states)) + `)`
		for _, st := range states {
			args = append(args, st)
		}
	}
	rows, err := s.Query(ctx, q+` ORDER BY p.day, p.minute, p.office_id, p.household, p.cf, p.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r CampaignPlanRow
	for rows.Next() {
		var deadline int64
		if err := rows.Scan(&r.CF, &r.Household, &r.OfficeID, &r.OfficeName, &r.Day, &r.Minute, &r.State, &r.Channel, &deadline, &r.FamilyName, &r.GivenNames); err != nil {
			return err
		}
		r.Deadline = time.Time{}
		if deadline != 0 {
			r.Deadline = FromMicros(deadline)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Why a citizen waiting in state new has no proposal. The optimiser's own reason is
// not stored with the run, so it is told from what the store knows: who came in or
// was put back after the latest run has not been planned yet; anyone else was in the
// latest run's input and left out, which only happens when capacity is short.
const (
	UnplannedNoRun    = "no_plan_yet"    // no plan has run
	UnplannedAfterRun = "after_last_run" // imported or put back after the latest run
	UnplannedCapacity = "capacity_short" // left out by the latest run
)

// UnplannableCitizen is a citizen in state new with the reason it has no proposal.
type UnplannableCitizen struct {
	CF, FamilyName, GivenNames, Household, Postcode, Phone, Email string
	HouseholdWaiting                                              int // members of the household waiting too: a household is planned whole
	Reason                                                        string
}

// UnplannableCitizens lists the citizens in state new, by household, with the reason
// each has no proposal (see UnplannedCapacity).
func (s *Store) UnplannableCitizens(ctx context.Context) ([]UnplannableCitizen, error) {
	run, err := s.LatestCampaignRun(ctx)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	rows, err := s.Query(ctx, `SELECT c.cf, c.family_name, c.given_names, c.household, c.postcode, c.phone, c.email, c.imported_at,
		(SELECT COUNT(*) FROM campaign_citizens h WHERE h.household = c.household AND h.state = ?),
		(SELECT COALESCE(MAX(p.decided_at), 0) FROM campaign_proposals p WHERE p.cf = c.cf AND p.decided_via = 'operator')
		FROM campaign_citizens c WHERE c.state = ? ORDER BY c.household, c.cf`, CitizenNew, CitizenNew)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnplannableCitizen
	for rows.Next() {
		var u UnplannableCitizen
		var imported, operator int64
		if err := rows.Scan(&u.CF, &u.FamilyName, &u.GivenNames, &u.Household, &u.Postcode, &u.Phone, &u.Email, &imported, &u.HouseholdWaiting, &operator); err != nil {
			return nil, err
		}
		switch {
		case run == nil:
			u.Reason = UnplannedNoRun
		case imported > Micros(run.CreatedAt) || operator > Micros(run.CreatedAt):
			u.Reason = UnplannedAfterRun
		default:
			u.Reason = UnplannedCapacity
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SearchCampaignCitizens finds citizens for a clerk on the phone: by codice fiscale
// (exact, any case) when q is one, else by every word of q appearing in the family or
// given names. At most limit rows, by family name.
func (s *Store) SearchCampaignCitizens(ctx context.Context, q string, limit int) ([]*CampaignCitizen, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	var where []string
	var args []any
	if looksLikeCF(q) {
		where, args = append(where, `cf = ?`), append(args, strings.ToUpper(q))
	} else {
		for _, w := range strings.Fields(strings.ToLower(q)) {
			like := "%" + likeEscaper.Replace(w) + "%"
			where = append(where, `(LOWER(family_name) LIKE ? ESCAPE '\' OR LOWER(given_names) LIKE ? ESCAPE '\')`)
			args = append(args, like, like)
		}
	}
	args = append(args, limit)
	rows, err := s.Query(ctx, `SELECT `+citizenCols+` FROM campaign_citizens WHERE `+strings.Join(where, ` AND `)+
		` ORDER BY family_name, given_names, cf LIMIT ?`, args...)
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

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// looksLikeCF is 16 letters and digits, or 11 digits (a temporary code).
func looksLikeCF(q string) bool {
	if len(q) != 16 && len(q) != 11 {
		return false
	}
	for _, r := range q {
		digit := r >= '0' && r <= '9'
		if !digit && (len(q) == 11 || !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')) {
			return false
		}
	}
	return true
}

// The audit log is append-only and hash-chained: what goes in stays for as long as
// the log, longer than the campaign's register extract. So it names a campaign
// citizen by a pseudonym, never the codice fiscale: a keyed hash of it whose key
// lives in this database only. The store resolves a pseudonym while it holds the
// citizen, and an auditor with a codice fiscale in hand finds every entry about that
// person (CitizenRef, then the log by object); the log on its own, exported or
// printed, names nobody, and once the campaign data is gone it cannot be resolved.
const campaignRefSetting = "campaign_audit_key"

// campaignRefKey is the pseudonyms' key, made on first use. It never changes once
// stored, so the store keeps it after the first read: an outcome list of thousands
// of citizens hashes each under it.
func (s *Store) campaignRefKey(ctx context.Context) ([]byte, error) {
	s.refKeyMu.Lock()
	defer s.refKeyMu.Unlock()
	if s.refKey != nil {
		return s.refKey, nil
	}
	v, err := s.Setting(ctx, campaignRefSetting)
	if errors.Is(err, model.ErrNotFound) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		// two first uses at once: the first insert wins and both read it back
		if _, err := s.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, campaignRefSetting, hex.EncodeToString(b)); err != nil {
			return nil, err
		}
		v, err = s.Setting(ctx, campaignRefSetting)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, err
	}
	s.refKey = key
	return key, nil
}

func campaignRef(key []byte, cf string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(cf))
	return "c" + hex.EncodeToString(m.Sum(nil)[:10])
}

// CitizenRef is the pseudonym the audit log and the admin pages' addresses use for a
// campaign citizen (see campaignRefSetting).
func (s *Store) CitizenRef(ctx context.Context, cf string) (string, error) {
	key, err := s.campaignRefKey(ctx)
	if err != nil {
		return "", err
	}
	return campaignRef(key, strings.ToUpper(strings.TrimSpace(cf))), nil
}

// CitizenByRef resolves a pseudonym to the citizen it names (model.ErrNotFound when
// none does). It hashes every code in the campaign: no index can hold the pseudonyms
// without holding the link the log is meant not to carry.
func (s *Store) CitizenByRef(ctx context.Context, ref string) (*CampaignCitizen, error) {
	key, err := s.campaignRefKey(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.Query(ctx, `SELECT cf FROM campaign_citizens`)
	if err != nil {
		return nil, err
	}
	found := ""
	for rows.Next() {
		var cf string
		if err := rows.Scan(&cf); err != nil {
			rows.Close()
			return nil, err
		}
		if hmac.Equal([]byte(campaignRef(key, cf)), []byte(ref)) {
			found = cf
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found == "" {
		return nil, fmt.Errorf("campaign citizen: %w", model.ErrNotFound)
	}
	return s.CampaignCitizen(ctx, found)
}
