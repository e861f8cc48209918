package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/model"
)

// campaignExport writes one dashboard table as CSV, for the comune's own reports.
func (s *Server) campaignExport(w http.ResponseWriter, r *http.Request) {
	d, err := s.campaignDashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	table := r.PathValue("table")
	var rows [][]string
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
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
	case "home-visits.csv":
		rows = append(rows, []string{"codice_fiscale", "family_name", "given_names", "address", "postcode", "phone", "state", "visit_day"})
		for _, c := range d.HomeVisits {
			rows = append(rows, []string{cell(c.CF), cell(c.FamilyName), cell(c.GivenNames), cell(c.Address), cell(c.Postcode), cell(c.Phone), cell(c.State), cell(c.VisitDay)})
		}
		if err := s.audit(r, "campaign.export", "campaign", "home visits"); err != nil {
			s.fail(w, r, err)
			return
		}
	default:
		s.campaignFail(w, r, model.Errorf(model.ENOTFOUND, "no such table"))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="campagna-%s"`, table))
	w.Header().Set("Cache-Control", "no-store")
	// Excel reads a CSV without a byte-order mark in the machine's code page (Windows-1252
	// on Italian desktops), which turns "Niccolò" into "NiccolÃ²".
	_, _ = io.WriteString(w, "\uFEFF")
	cw := csv.NewWriter(w)
	_ = cw.WriteAll(rows)
}

// cell neutralises a text cell that a spreadsheet would run as a formula: register
// data (addresses, names) comes from outside, and "=HYPERLINK(...)" in an address
// would be live in the comune's Excel. A leading quote makes it text (OWASP's advice);
// numbers this file writes itself do not go through here, so "-3" stays a number.
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
