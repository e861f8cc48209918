package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

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
			rows = append(rows, []string{c.Key, strconv.Itoa(c.Count)})
		}
	case "channels.csv":
		rows = append(rows, []string{"channel", "sent", "confirmed", "declined", "expired", "pending", "confirmed_of_answered", "expected_rate"})
		for _, c := range d.Dash.Channels {
			rows = append(rows, []string{c.Channel, strconv.Itoa(c.Sent), strconv.Itoa(c.Confirmed), strconv.Itoa(c.Declined), strconv.Itoa(c.Expired), strconv.Itoa(c.Pending), f(c.Rate), f(c.Estimate)})
		}
	case "offices.csv":
		rows = append(rows, []string{"office", "capacity_per_week", "planned", "proposed", "confirmed"})
		for _, o := range d.Dash.Offices {
			rows = append(rows, []string{o.Name, strconv.Itoa(o.PerWeek), strconv.Itoa(o.Planned), strconv.Itoa(o.Proposed), strconv.Itoa(o.Confirmed)})
		}
	case "capacity.csv":
		rows = append(rows, []string{"office", "derived_per_week", "per_week", "typed"})
		for _, c := range d.Capacities {
			rows = append(rows, []string{c.Office.Name, strconv.Itoa(c.Derived), strconv.Itoa(c.PerWeek), strconv.FormatBool(c.Typed)})
		}
	case "forecast.csv":
		fc := d.Dash.Forecast
		rows = [][]string{{"remaining", "per_week", "observed", "confirmation_rate", "capacity_per_week", "weeks_needed", "finish", "deadline", "weeks_left", "on_time", "extra_people_per_week", "extra_counter_hours_per_week", "provisional"},
			{strconv.Itoa(fc.Remaining), f(fc.PerWeek), strconv.FormatBool(fc.Observed), f(fc.ConfirmRate), strconv.Itoa(fc.Capacity), f(fc.WeeksNeeded),
				fc.Finish.Format("2006-01-02"), fc.Deadline.Format("2006-01-02"), f(fc.WeeksLeft), strconv.FormatBool(fc.OnTime), f(fc.ExtraPerWeek), f(fc.ExtraHoursPerWeek), strconv.FormatBool(fc.Provisional)}}
	case "home-visits.csv":
		rows = append(rows, []string{"codice_fiscale", "family_name", "given_names", "address", "postcode", "phone", "state", "visit_day"})
		for _, c := range d.HomeVisits {
			rows = append(rows, []string{c.CF, c.FamilyName, c.GivenNames, c.Address, c.Postcode, c.Phone, c.State, c.VisitDay})
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
	cw := csv.NewWriter(w)
	_ = cw.WriteAll(rows)
}
