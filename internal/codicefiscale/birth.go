package codicefiscale

import (
	"fmt"
	"strings"
	"time"
)

// months are the month letters, January to December.
const months = "ABCDEHLMPRST"

// Sex as encoded in the code: women have 40 added to the day of birth.
type Sex byte

// The two values the code can encode.
const (
	Male   Sex = 'M'
	Female Sex = 'F'
)

func monthOf(c byte) int { return strings.IndexByte(months, c) + 1 }

// Birth decodes sex and birth date. The code holds only two year digits, so the
// century is the latest one that puts the birth on or before ref (pass the date
// of the extract). A date that does not exist (30 February) is an ErrDate error.
func (c Code) Birth(ref time.Time) (time.Time, Sex, error) {
	if c.IsNumeric() {
		return time.Time{}, 0, &Error{Kind: ErrDate, Detail: "an 11-digit code carries no birth date"}
	}
	b := c.Base().s
	yy := int(b[6]-'0')*10 + int(b[7]-'0')
	month := monthOf(b[8])
	day := int(b[9]-'0')*10 + int(b[10]-'0')
	sex := Male
	if day > 40 {
		day -= 40
		sex = Female
	}
	year := ref.Year()/100*100 + yy
	if time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).After(ref) {
		year -= 100
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day { // time.Date normalised an impossible day
		return time.Time{}, 0, &Error{Kind: ErrDate, Pos: 10, Detail: fmt.Sprintf("day %02d does not exist in month %d of %d", day, month, year)}
	}
	return d, sex, nil
}
