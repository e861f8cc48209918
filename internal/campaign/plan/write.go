package plan

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
)

// WritePlan writes PLAN.csv: codice_fiscale,household_id,office_id,date,time, one
// row per planned person in input order.
func WritePlan(w io.Writer, people []Person, offices []Office, as []Assignment) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write([]string{"codice_fiscale", "household_id", "office_id", "date", "time"}); err != nil {
		return err
	}
	for _, a := range as {
		p := &people[a.Person]
		t := fmt.Sprintf("%02d:%02d", a.Minute/60, a.Minute%60)
		if err := cw.Write([]string{p.CF, p.Household, offices[a.Office].ID, a.Date.Format("2006-01-02"), t}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteUnplanned writes codice_fiscale,household_id,reason for everyone left out.
func WriteUnplanned(w io.Writer, people []Person, un []Unplanned) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.Write([]string{"codice_fiscale", "household_id", "reason"})
	for _, u := range un {
		p := &people[u.Person]
		cw.Write([]string{p.CF, p.Household, u.Reason})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
