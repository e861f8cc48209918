package plan

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxReported caps how many bad rows an error lists, so a wholly wrong file
// gives a readable message rather than a million lines.
const maxReported = 50

// RowErrors lists every bad row of a file; reading is all-or-nothing.
type RowErrors struct {
	File  string
	Rows  []string // "line N: reason"
	Total int
}

// Error lists the bad rows, one per line.
func (e *RowErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d bad row(s)", e.File, e.Total)
	for _, r := range e.Rows {
		b.WriteString("\n  ")
		b.WriteString(r)
	}
	if e.Total > len(e.Rows) {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Total-len(e.Rows))
	}
	return b.String()
}

// stop records a syntax error as the last bad row.
func (e *RowErrors) stop(err *syntaxError) *RowErrors {
	e.Total++
	e.Rows = append(e.Rows, err.Error())
	return e
}

func (e *RowErrors) add(line int, format string, a ...any) {
	e.Total++
	if len(e.Rows) < maxReported {
		e.Rows = append(e.Rows, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, a...)))
	}
}

// table reads a CSV with a header and hands out fields by column name.
type table struct {
	r    *csv.Reader
	cols map[string]int
	rec  []string
	line int
}

// newTable reads the header; required columns must be present. A UTF-8 byte order
// mark is skipped, because spreadsheet exports add one.
func newTable(rd io.Reader, file string, required ...string) (*table, error) {
	br := bufio.NewReaderSize(rd, 1<<16)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.ReuseRecord = true
	r.FieldsPerRecord = 0
	head, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, want a header line", file)
		}
		return nil, fmt.Errorf("%s: header: %w", file, err)
	}
	t := &table{r: r, cols: map[string]int{}}
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(latin1(h)))
		if _, dup := t.cols[name]; dup {
			return nil, fmt.Errorf("%s: line 1: column %q appears twice", file, name)
		}
		t.cols[name] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: line 1: missing column(s) %s", file, strings.Join(missing, ", "))
	}
	return t, nil
}

// syntaxError is a malformed record; the csv reader cannot resynchronise after
// bad quoting, so reading stops there.
type syntaxError struct {
	line int
	err  error
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }

// next reads a record; it returns io.EOF at the end and a *syntaxError for a
// malformed record.
func (t *table) next() error {
	rec, err := t.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.line = pe.Line
			return &syntaxError{line: pe.Line, err: pe.Err}
		}
		return err
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return nil
}

// each calls row for every record. Every bad row is collected in bad by row; a
// syntax error ends the file, because the csv reader cannot resynchronise.
func (t *table) each(bad *RowErrors, row func()) error {
	for {
		err := t.next()
		var se *syntaxError
		switch {
		case err == nil:
			row()
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &se):
			bad.stop(se)
			return nil
		default:
			return fmt.Errorf("%s: %w", bad.File, err)
		}
	}
}

// get returns a trimmed field, or "" when the column is absent.
func (t *table) get(col string) string {
	i, ok := t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(latin1(t.rec[i]))
}

// latin1 keeps UTF-8 as is and reads anything else as Latin-1, the other encoding
// demographic software exports.
func latin1(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func parseCoord(s string, limit float64) (float64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%v outside ±%v", v, limit)
	}
	return v, nil
}

// parseDate accepts ISO dates and the dd/mm/yyyy the register software prints.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or DD/MM/YYYY)", s)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "n":
		return false, nil
	case "1", "true", "yes", "y", "si", "sì", "s":
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes/no", s)
}
