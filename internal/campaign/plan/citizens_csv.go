package plan

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
)

// ReadCitizens reads the planning fields of CITIZENS.csv: codice_fiscale,
// household_id, lat, lon, due_date (or, when it is empty, the due date policy gives
// from card_expiry and card_type, as the import derives it), birth_date, card_type
// and an optional frail column. Rows of card_type "cie" already hold the new card and
// are skipped. Every bad row is reported with its line number; nothing is returned
// unless the whole file is good. ref is the date used to pick the century of birth
// dates decoded from the codice fiscale.
func ReadCitizens(r io.Reader, file string, ref time.Time, policy register.Policy) ([]Person, error) {
	t, err := newTable(r, file, "codice_fiscale", "household_id", "lat", "lon")
	if err != nil {
		return nil, err
	}
	_, hasDue := t.cols["due_date"]
	_, hasExpiry := t.cols["card_expiry"]
	if !hasDue && !hasExpiry {
		return nil, fmt.Errorf("%s: line 1: want a due_date or card_expiry column", file)
	}
	bad := &RowErrors{File: file}
	seen := map[string]int{}
	var people []Person
	err = t.each(bad, func() {
		p, reason := citizenRow(t, ref, policy)
		switch {
		case reason != "":
			bad.add(t.line, "%s", reason)
		case p == nil: // a row to skip
		case seen[p.CF] > 0:
			bad.add(t.line, "codice_fiscale: same person as line %d", seen[p.CF])
		default:
			seen[p.CF] = t.line
			people = append(people, *p)
		}
	})
	if err != nil {
		return nil, err
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return people, nil
}

// citizenRow parses one row; it returns nil and no reason for rows to skip.
func citizenRow(t *table, ref time.Time, policy register.Policy) (*Person, string) {
	switch ct := strings.ToLower(t.get("card_type")); ct {
	case "", "paper":
	case "cie":
		return nil, ""
	default:
		return nil, fmt.Sprintf("card_type: %q, want paper or cie", ct)
	}
	code, err := codicefiscale.Parse(t.get("codice_fiscale"))
	if err != nil {
		return nil, err.Error()
	}
	p := &Person{CF: code.String(), Household: t.get("household_id"), Line: t.line}
	if p.Household == "" {
		// A person outside any household still comes alone; key it by the code.
		p.Household = "cf:" + p.CF
	}
	if p.Lat, err = parseCoord(t.get("lat"), 90); err != nil {
		return nil, "lat: " + err.Error()
	}
	if p.Lon, err = parseCoord(t.get("lon"), 180); err != nil {
		return nil, "lon: " + err.Error()
	}
	if s := t.get("due_date"); s != "" {
		if p.Due, err = parseDate(s); err != nil {
			return nil, "due_date: " + err.Error()
		}
	} else if s := t.get("card_expiry"); s != "" {
		expiry, err := parseDate(s)
		if err != nil {
			return nil, "card_expiry: " + err.Error()
		}
		p.Due = policy.Due(register.CardPaper, expiry) // a cie row was skipped above
	} else {
		return nil, "due_date and card_expiry both empty"
	}
	if s := t.get("birth_date"); s != "" {
		if p.Birth, err = parseDate(s); err != nil {
			return nil, "birth_date: " + err.Error()
		}
	} else if !code.IsNumeric() {
		if b, _, err := code.Birth(ref); err == nil {
			p.Birth = b
		}
	}
	if p.Frail, err = parseBool(t.get("frail")); err != nil {
		return nil, "frail: " + err.Error()
	}
	return p, ""
}
