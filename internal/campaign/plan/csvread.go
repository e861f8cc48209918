package plan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
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

// newTable reads the header; required columns must be present. The file is read as
// the import reads it (register.NewCSV): UTF-8 or Latin-1, a byte order mark skipped,
// ',' or ';' between fields, so a file the import takes plans too.
func newTable(rd io.Reader, file string, required ...string) (*table, error) {
	raw, err := register.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	r, _ := register.NewCSV(raw)
	r.FieldsPerRecord = 0 // every record as wide as the header
	head, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, want a header line", file)
		}
		return nil, fmt.Errorf("%s: header: %w", file, err)
	}
	t := &table{r: r, cols: map[string]int{}}
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(h))
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
	return strings.TrimSpace(t.rec[i])
}

// parseCoord reads a coordinate as the import does (register.Number: a decimal point
// or comma).
func parseCoord(s string, limit float64) (float64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	v, ok := register.Number(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%v outside ±%v", v, limit)
	}
	return v, nil
}

// parseDate reads a date as the import does (register.Day).
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	return register.Day(s)
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
