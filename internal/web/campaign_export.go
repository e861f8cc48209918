package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// csvFormat is how an export separates fields and writes decimals. The default is
// what Excel on an Italian desktop opens in columns without the import wizard: ';'
// between fields and a decimal comma (with ',' and '.', as in RFC 4180, Italian Excel
// shows one column and reads 0.6100 as text or as 6100). The project office and the
// registry clerks open these files in Excel; a script reading them can set the
// delimiter, or ask for ?formato=rfc4180 to get ',' and '.'.
type csvFormat struct {
	comma rune
	point byte
}

var (
	csvItalian = csvFormat{comma: ';', point: ','}
	csvRFC4180 = csvFormat{comma: ',', point: '.'}
)

func csvFormatOf(r *http.Request) csvFormat {
	if r.URL.Query().Get("formato") == "rfc4180" {
		return csvRFC4180
	}
	return csvItalian
}

// num writes a computed decimal in the format's notation.
func (f csvFormat) num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	if f.point != '.' {
		s = strings.Replace(s, ".", string(f.point), 1)
	}
	return s
}

// csvOut starts a CSV download: headers, the byte-order mark, a writer in format.
func csvOut(w http.ResponseWriter, r *http.Request, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="campagna-%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
	// Excel reads a CSV without a byte-order mark in the machine's code page (Windows-1252
	// on Italian desktops), which turns "Niccolò" into "NiccolÃ²".
	_, _ = io.WriteString(w, "\uFEFF")
	cw := csv.NewWriter(w)
	cw.Comma = csvFormatOf(r).comma
	return cw
}

// campaignExport writes one dashboard table as CSV, for the comune's own reports.
// Tables with people's data are read in full from the store, never from the page's
// capped lists, and every download of one is audited.
func (s *Server) campaignExport(w http.ResponseWriter, r *http.Request) {
	table := r.PathValue("table")
	switch table {
	case "home-visits.csv", "plan.csv", "proposals.csv", "unplannable.csv":
		s.campaignExportPeople(w, r, table)
		return
	}
	d, err := s.campaignDashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows [][]string
	f := csvFormatOf(r).num
	switch table {
	case "states.csv":
		rows = append(rows, []string{"state", "citizens"})
		for _, c := range d.Dash.States {
			rows = append(rows, []string{cell(c.Key), strconv.Itoa(c.Count)})
		}
	case "channels.csv":
		rows = append(rows, []string{"channel", "sent", "confirmed", "declined", "expired", "pending", "confirmed_of_answered", "expected_rate"})
		for _, c := range d.Dash.Channels {
			rows = append(rows, []string{cell(c.Channel), strconv.Itoa(c.Sent), strconv.Itoa(c.Confirmed), strconv.Itoa(c.Declined), strconv.Itoa(c.Expired), strconv.Itoa(c.Pending), f(c.Rate), f(c.Estimate)})
		}
	case "offices.csv":
		rows = append(rows, []string{"office", "capacity_per_week", "planned", "proposed", "confirmed"})
		for _, o := range d.Dash.Offices {
			rows = append(rows, []string{cell(o.Name), strconv.Itoa(o.PerWeek), strconv.Itoa(o.Planned), strconv.Itoa(o.Proposed), strconv.Itoa(o.Confirmed)})
		}
	case "capacity.csv":
		rows = append(rows, []string{"office", "derived_per_week", "per_week", "typed"})
		for _, c := range d.Capacities {
			rows = append(rows, []string{cell(c.Office.Name), strconv.Itoa(c.Derived), strconv.Itoa(c.PerWeek), strconv.FormatBool(c.Typed)})
		}
	case "forecast.csv":
		fc := d.Dash.Forecast
		// no pace, no finish: an empty cell and finish_known=false, never year 1
		finish := ""
		if !fc.Unknown && !fc.Finish.IsZero() {
			finish = fc.Finish.Format("2006-01-02")
		}
		rows = [][]string{{"remaining", "per_week", "observed", "confirmation_rate", "capacity_per_week", "weeks_needed", "finish", "deadline", "weeks_left", "on_time", "extra_people_per_week", "extra_counter_hours_per_week", "provisional", "finish_known"},
			{strconv.Itoa(fc.Remaining), f(fc.PerWeek), strconv.FormatBool(fc.Observed), f(fc.ConfirmRate), strconv.Itoa(fc.Capacity), f(fc.WeeksNeeded),
				finish, fc.Deadline.Format("2006-01-02"), f(fc.WeeksLeft), strconv.FormatBool(fc.OnTime), f(fc.ExtraPerWeek), f(fc.ExtraHoursPerWeek), strconv.FormatBool(fc.Provisional), strconv.FormatBool(finish != "")}}
	default:
		s.campaignFail(w, r, model.Errorf(model.ENOTFOUND, "no such table"))
		return
	}
	_ = csvOut(w, r, table).WriteAll(rows)
}

// campaignExportPeople writes the tables that name citizens, complete.
func (s *Server) campaignExportPeople(w http.ResponseWriter, r *http.Request, table string) {
	ctx := r.Context()
	var write func(cw *csv.Writer) error
	detail := table
	switch table {
	case "home-visits.csv":
		cs, err := s.Store.HomeVisitCandidates(ctx, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		detail = fmt.Sprintf("home visits, %d rows", len(cs))
		write = func(cw *csv.Writer) error {
			if err := cw.Write([]string{"codice_fiscale", "family_name", "given_names", "address", "postcode", "phone", "state", "visit_day"}); err != nil {
				return err
			}
			for _, c := range cs {
				if err := cw.Write([]string{cell(c.CF), cell(c.FamilyName), cell(c.GivenNames), cell(c.Address), cell(c.Postcode), cell(c.Phone), cell(c.State), cell(c.VisitDay)}); err != nil {
					return err
				}
			}
			return nil
		}
	case "plan.csv", "proposals.csv":
		// plan.csv is the plan in force (one row per person, as the CLI's PLAN.csv);
		// proposals.csv adds every proposal that ended: declined, expired, cancelled
		var states []string
		if table == "plan.csv" {
			states = []string{store.ProposalPlanned, store.ProposalProposed, store.ProposalConfirmed}
		}
		loc := s.loc
		write = func(cw *csv.Writer) error {
			if err := cw.Write([]string{"codice_fiscale", "household_id", "office_id", "date", "time", "state", "channel", "deadline", "office", "family_name", "given_names"}); err != nil {
				return err
			}
			return s.Store.EachCampaignPlanRow(ctx, states, func(p *store.CampaignPlanRow) error {
				deadline := ""
				if !p.Deadline.IsZero() {
					deadline = p.Deadline.In(loc).Format("2006-01-02 15:04")
				}
				return cw.Write([]string{cell(p.CF), cell(p.Household), strconv.FormatInt(p.OfficeID, 10), p.Day, fmt.Sprintf("%02d:%02d", p.Minute/60, p.Minute%60),
					p.State, p.Channel, deadline, cell(p.OfficeName), cell(p.FamilyName), cell(p.GivenNames)})
			})
		}
	case "unplannable.csv":
		us, err := s.Store.UnplannableCitizens(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		detail = fmt.Sprintf("unplannable, %d rows", len(us))
		lang := langOf(r)
		write = func(cw *csv.Writer) error {
			if err := cw.Write([]string{"codice_fiscale", "household_id", "household_waiting", "reason", "reason_text", "family_name", "given_names", "postcode", "phone", "email"}); err != nil {
				return err
			}
			for _, u := range us {
				if err := cw.Write([]string{cell(u.CF), cell(u.Household), strconv.Itoa(u.HouseholdWaiting), u.Reason, unplannedText(lang, u.Reason),
					cell(u.FamilyName), cell(u.GivenNames), cell(u.Postcode), cell(u.Phone), cell(u.Email)}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// personal data leaves the system: who took which table, before it is written
	if err := s.audit(r, "campaign.export", "campaign", detail); err != nil {
		s.fail(w, r, err)
		return
	}
	cw := csvOut(w, r, table)
	if err := write(cw); err != nil {
		// the headers are out: the truncated file is all that can be done, the log says why
		s.Log.Error("campaign export", "table", table, "error", err)
		return
	}
	cw.Flush()
}

// unplannedText explains a store.Unplanned* reason to the project office.
func unplannedText(lang, reason string) string {
	switch reason {
	case store.UnplannedNoRun:
		return pick(lang, "nessun piano ancora calcolato", "no plan has run yet")
	case store.UnplannedAfterRun:
		return pick(lang, "importato o rimesso da pianificare dopo l'ultimo calcolo: entra nel prossimo", "imported or put back after the latest run: the next one plans it")
	case store.UnplannedCapacity:
		return pick(lang, "capacità insufficiente: nessuno sportello libero per il nucleo nelle settimane della campagna", "capacity short: no counter free for the household in the campaign's weeks")
	}
	return reason
}

// cell neutralises a text cell that a spreadsheet would run as a formula: register
// data (addresses, names) comes from outside, and "=HYPERLINK(...)" in an address
// would be live in the comune's Excel. A leading quote makes it text (OWASP's advice);
// numbers this file writes itself do not go through here, so "-3" stays a number.
// A phone number ("+39 02 1234 5678": '+' then only digits and spaces) is left as it
// is: it computes nothing, and "'+39 …" in the comune's address book is a wrong number.
func cell(v string) string {
	if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) || isPhone(v) {
		return v
	}
	return "'" + v
}

// isPhone is '+' followed by digits and spaces, with at least one digit.
func isPhone(v string) bool {
	if len(v) < 2 || v[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ':
		default:
			return false
		}
	}
	return digits > 0
}
