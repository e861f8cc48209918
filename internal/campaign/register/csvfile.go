package register

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The campaign's files (CITIZENS.csv, OFFICES.csv) come from a demographic system or a
// spreadsheet, for the import and for the CLI plan alike: the same file must read the
// same way in both, so both read it through ReadAll and NewCSV, and their numbers and
// dates through Number and Day.

// ReadAll reads a whole file, refusing one over MaxBytes.
func ReadAll(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxBytes {
		return nil, fmt.Errorf("file larger than %d GiB", MaxBytes>>30)
	}
	return raw, nil
}

// Decode returns the file as UTF-8 without a byte order mark: demographic software
// still exports Latin-1, and a byte sequence that is not valid UTF-8 can only be that.
func Decode(raw []byte) []byte {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if utf8.Valid(raw) {
		return raw
	}
	out, err := charmap.ISO8859_1.NewDecoder().Bytes(raw)
	if err != nil { // cannot happen: every byte is a Latin-1 character
		return raw
	}
	return out
}

// NewCSV returns a reader of raw, decoded (Decode), with the delimiter its header uses,
// and the decoded bytes (for progress). Records may have any number of fields and are
// reused between reads.
func NewCSV(raw []byte) (*csv.Reader, []byte) {
	data := Decode(raw)
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return r, data
}

// delimiter is ';' when the header uses it: Italian spreadsheets save CSV that way,
// because the comma is their decimal separator.
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// Number parses a decimal number written with a point or, as an Italian spreadsheet
// writes it, a comma; NaN and infinities are refused.
func Number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// dayLayouts are the dates a file may hold: ISO, and the DD/MM/YYYY the register
// software and Italian spreadsheets print.
var dayLayouts = []string{time.DateOnly, "02/01/2006"}

// Day parses a date of a file; "" is the zero time.
func Day(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range dayLayouts {
		if d, err := time.Parse(l, s); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or DD/MM/YYYY)", clip(s))
}
