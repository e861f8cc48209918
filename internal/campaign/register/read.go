package register

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello/internal/codicefiscale"
)

// MaxBytes caps an extract: a city of five million fits with room to spare, and the
// cap keeps a wrong upload from filling memory.
const MaxBytes = 2 << 30

// Progress is reported while a long file is read.
type Progress struct {
	Rows  int   // rows read so far
	Bytes int64 // bytes read so far
	Total int64 // bytes in the file
}

// Options steer Read.
type Options struct {
	Policy Policy
	// Ref picks the century of a birth date decoded from the codice fiscale when it is
	// compared with birth_date; zero means today.
	Ref time.Time
	// Progress, when set, is called every ProgressEvery rows and at the end.
	Progress      func(Progress)
	ProgressEvery int
}

// Read parses and validates a whole extract. It returns every citizen, or an *Errors
// naming every bad row and nothing else: a half-imported register would send
// proposals to half a household.
func Read(r io.Reader, opt Options) ([]Citizen, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read extract: %w", err)
	}
	if len(raw) > MaxBytes {
		return nil, &Errors{Rows: []RowError{{Line: 0, Reason: "file larger than 2 GiB"}}}
	}
	return Parse(raw, opt)
}

// Parse is Read on bytes already in memory.
func Parse(raw []byte, opt Options) ([]Citizen, error) {
	cr, data := NewCSV(raw)
	if opt.Ref.IsZero() {
		opt.Ref = time.Now()
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 5000
	}
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Errors{Rows: []RowError{{Line: 1, Reason: "empty file: the header is missing"}}}
		}
		return nil, &Errors{Rows: []RowError{{Line: 1, Reason: "header: " + csvReason(err)}}}
	}
	frailCol, reason := checkHeader(header)
	if reason != "" {
		return nil, &Errors{Rows: []RowError{{Line: 1, Reason: reason}}}
	}
	width := len(Columns)
	if frailCol {
		width++
	}
	var (
		out  []Citizen
		bad  []RowError
		seen = map[string]int{}
		rows int
	)
	report := func() {
		if opt.Progress != nil {
			opt.Progress(Progress{Rows: rows, Bytes: cr.InputOffset(), Total: int64(len(data))})
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				bad = append(bad, RowError{Line: 0, Reason: csvReason(err)})
				break
			}
			bad = append(bad, RowError{Line: pe.StartLine, Reason: csvReason(err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		rows++
		if rows%opt.ProgressEvery == 0 {
			report()
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line, e.g. at the end
		}
		if len(rec) != width {
			bad = append(bad, RowError{Line: line, Reason: fmt.Sprintf("%d columns, want %d", len(rec), width)})
			continue
		}
		c, reasons := parseRow(rec, frailCol, opt)
		c.Line = line
		if c.CF != "" {
			if first, dup := seen[c.CF]; dup {
				reasons = append(reasons, fmt.Sprintf("codice_fiscale repeats line %d", first))
			} else {
				seen[c.CF] = line
			}
		}
		if len(reasons) > 0 {
			bad = append(bad, RowError{Line: line, Reason: strings.Join(reasons, "; ")})
			continue
		}
		if len(bad) == 0 {
			out = append(out, c)
		}
	}
	report()
	if len(bad) > 0 {
		return nil, &Errors{Rows: bad}
	}
	if len(out) == 0 {
		return nil, &Errors{Rows: []RowError{{Line: 2, Reason: "no citizens after the header"}}}
	}
	return out, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "malformed CSV: " + pe.Err.Error()
	}
	return "malformed CSV: " + err.Error()
}

func checkHeader(h []string) (frail bool, reason string) {
	got := make([]string, len(h))
	for i, c := range h {
		got[i] = strings.ToLower(strings.TrimSpace(c))
	}
	if len(got) == len(Columns)+1 && got[len(Columns)] == "frail" {
		frail = true
		got = got[:len(Columns)]
	}
	if len(got) != len(Columns) {
		return false, fmt.Sprintf("header has %d columns, want %s", len(h), strings.Join(Columns, ","))
	}
	for i, c := range Columns {
		if got[i] != c {
			return false, fmt.Sprintf("header column %d is %q, want %q", i+1, clip(got[i]), c)
		}
	}
	return frail, ""
}

func parseRow(rec []string, frailCol bool, opt Options) (Citizen, []string) {
	var c Citizen
	var why []string
	f := func(i int) string { return strings.TrimSpace(rec[i]) }
	code, err := codicefiscale.Parse(f(0))
	if err != nil {
		why = append(why, "codice_fiscale: "+strings.TrimPrefix(err.Error(), "codice fiscale: "))
	} else {
		c.CF = code.String()
	}
	c.FamilyName, c.GivenNames = f(1), f(2)
	for _, n := range []struct{ col, v string }{{"family_name", c.FamilyName}, {"given_names", c.GivenNames}} {
		if r := text(n.v, 100, true); r != "" {
			why = append(why, n.col+": "+r)
		}
	}
	switch s := strings.ToUpper(f(3)); s {
	case "M", "F":
		c.Sex = s
	default:
		why = append(why, fmt.Sprintf("sex %q: want M or F", clip(f(3))))
	}
	if c.Birth, err = Day(f(4)); err != nil || c.Birth.IsZero() {
		why = append(why, fmt.Sprintf("birth_date %q: want YYYY-MM-DD", clip(f(4))))
	} else if c.Birth.After(opt.Ref) || c.Birth.Year() < 1900 {
		why = append(why, "birth_date out of range")
	} else if err == nil && c.CF != "" && c.Sex != "" && !code.IsNumeric() {
		if b, sex, err := code.Birth(c.Birth.AddDate(0, 0, 1)); err == nil {
			if b.Month() != c.Birth.Month() || b.Day() != c.Birth.Day() || b.Year()%100 != c.Birth.Year()%100 {
				why = append(why, "birth_date does not match the codice fiscale")
			}
			if string(rune(sex)) != c.Sex {
				why = append(why, "sex does not match the codice fiscale")
			}
		}
	}
	c.Household = f(5)
	if r := text(c.Household, 64, true); r != "" {
		why = append(why, "household_id: "+r)
	}
	c.Address = f(6)
	if r := text(c.Address, 200, true); r != "" {
		why = append(why, "address: "+r)
	}
	c.Postcode = f(7)
	if len(c.Postcode) != 5 || strings.Trim(c.Postcode, "0123456789") != "" {
		why = append(why, fmt.Sprintf("postcode %q: want 5 digits", clip(c.Postcode)))
	}
	var latOK, lonOK bool
	c.Lat, latOK = coord(f(8), 90)
	c.Lon, lonOK = coord(f(9), 180)
	switch {
	case !latOK:
		why = append(why, fmt.Sprintf("lat %q: want a WGS84 latitude", clip(f(8))))
	case !lonOK:
		why = append(why, fmt.Sprintf("lon %q: want a WGS84 longitude", clip(f(9))))
	case c.Lat == 0 && c.Lon == 0:
		why = append(why, "lat/lon 0,0: the address was not geocoded")
	}
	switch t := strings.ToLower(f(10)); t {
	case CardPaper, CardCIE:
		c.CardType = t
	default:
		why = append(why, fmt.Sprintf("card_type %q: want paper or cie", clip(f(10))))
	}
	c.CardNumber = f(11)
	if r := text(c.CardNumber, 32, false); r != "" {
		why = append(why, "card_number: "+r)
	}
	if c.CardExpiry, err = Day(f(12)); err != nil {
		why = append(why, fmt.Sprintf("card_expiry %q: want YYYY-MM-DD", clip(f(12))))
	} else if c.CardExpiry.IsZero() && c.CardType == CardPaper && f(15) == "" {
		why = append(why, "card_expiry is required for a paper card without due_date")
	}
	c.Email = f(13)
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
			why = append(why, "email is not a valid address")
		}
	}
	c.Phone = f(14)
	if c.Phone != "" && !phone(c.Phone) {
		why = append(why, "phone: want digits, optionally with + and spaces")
	}
	if c.Due, err = Day(f(15)); err != nil {
		why = append(why, fmt.Sprintf("due_date %q: want YYYY-MM-DD or empty", clip(f(15))))
	} else if c.Due.IsZero() {
		c.Due = opt.Policy.Due(c.CardType, c.CardExpiry)
	}
	if frailCol {
		switch strings.ToLower(f(16)) {
		case "", "0", "false", "no", "n":
		case "1", "true", "si", "sì", "yes", "y", "s":
			c.Frail = true
		default:
			why = append(why, fmt.Sprintf("frail %q: want 1 or 0", clip(f(16))))
		}
	}
	return c, why
}

func coord(s string, limit float64) (float64, bool) {
	v, ok := Number(s)
	return v, ok && v >= -limit && v <= limit
}

func text(s string, maxLen int, required bool) string {
	if s == "" {
		if required {
			return "required"
		}
		return ""
	}
	if utf8.RuneCountInString(s) > maxLen {
		return fmt.Sprintf("longer than %d characters", maxLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return "contains a control character"
		}
	}
	return ""
}

func phone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '/', r == '.':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

// clip shortens a value quoted in a message, so a garbage cell cannot flood the report.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 24 {
		return string([]rune(s)[:24]) + "…"
	}
	return s
}
