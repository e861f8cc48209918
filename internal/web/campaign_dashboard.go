package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/track"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

type campaignDashboardData struct {
	Settings   *store.CampaignSettings
	Capacities []outreach.OfficeCapacity
	Dash       *track.Dashboard
	HomeVisits []*store.CampaignCitizen
	States     []string
	Labels     map[string]string // state names in the page's language
	Done       string
	Error      string
	Charts     campaignCharts
	GapPct     float64 // the last run's gap in percent
	ConfirmPct float64 // the forecast's confirmation rate in percent
}

func (s *Server) campaignDashboardData(r *http.Request) (*campaignDashboardData, error) {
	ctx := r.Context()
	d := &campaignDashboardData{States: store.OutcomeStates, Done: r.URL.Query().Get("done")}
	var err error
	if d.Settings, err = s.Store.CampaignSettings(ctx); err != nil {
		return nil, err
	}
	if d.Capacities, err = s.Campaign.Capacities(ctx); err != nil {
		return nil, err
	}
	if d.Dash, err = track.Compute(ctx, s.Store, officeCaps(d.Capacities), s.Campaign.Now()); err != nil {
		return nil, err
	}
	if d.HomeVisits, err = s.Store.HomeVisitCandidates(ctx, 200); err != nil {
		return nil, err
	}
	d.Charts = chartsFor(d.Dash, langOf(r))
	d.Labels = map[string]string{}
	for _, st := range store.CitizenStates {
		d.Labels[st] = stateLabel(langOf(r), st)
	}
	if d.Dash.Run != nil {
		d.GapPct = 100 * d.Dash.Run.Gap
	}
	d.ConfirmPct = 100 * d.Dash.Forecast.ConfirmRate
	return d, nil
}

func officeCaps(cs []outreach.OfficeCapacity) track.OfficeCaps {
	out := track.OfficeCaps{}
	for _, c := range cs {
		out[c.Office.ID] = struct {
			Name    string
			PerWeek int
		}{c.Office.Name, c.PerWeek}
	}
	return out
}

// campaignDashboard is the campaign's one admin page: import, settings, capacity,
// plan, send, letters, the state of every citizen and the forecast.
func (s *Server) campaignDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.campaignDashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_dashboard.html", d)
}

// campaignRedisplay shows the dashboard again with a form error in place.
func (s *Server) campaignRedisplay(w http.ResponseWriter, r *http.Request, err error) {
	if model.ErrorCode(err) != model.EINVALID && model.ErrorCode(err) != model.ENOTFOUND {
		s.campaignFail(w, r, err)
		return
	}
	d, derr := s.campaignDashboardData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Error = campaignMsg(langOf(r), err)
	s.render(w, r, statusOf(model.ErrorCode(err)), "campaign_dashboard.html", d)
}

func (s *Server) campaignDone(w http.ResponseWriter, r *http.Request, what string) {
	http.Redirect(w, r, "/op/campagna?done="+what, http.StatusSeeOther)
}

func (s *Server) campaignSettingsSave(w http.ResponseWriter, r *http.Request) {
	set, err := s.Store.CampaignSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day := func(name string, dst *time.Time) error {
		t, err := time.Parse(time.DateOnly, r.PostFormValue(name))
		if err != nil {
			return model.FieldError(name, "%s: want a date", name)
		}
		*dst = t
		return nil
	}
	num := func(name string, dst *int) error {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
		if err != nil {
			return model.FieldError(name, "%s: want a whole number", name)
		}
		*dst = n
		return nil
	}
	for _, e := range []error{day("start", &set.Start), day("deadline", &set.Deadline), num("weeks", &set.Weeks), num("confirm_days", &set.ConfirmDays),
		num("reminder_days", &set.ReminderDays), num("share_pct", &set.SharePct), num("minutes_per_app", &set.MinutesPerApp), num("mail_per_minute", &set.MailPerMinute)} {
		if e != nil {
			s.campaignRedisplay(w, r, e)
			return
		}
	}
	// empty: letters and e-mails give the deadline as the day paper cards stop being valid
	set.PaperInvalidFrom = time.Time{}
	if strings.TrimSpace(r.PostFormValue("paper_invalid_from")) != "" {
		if e := day("paper_invalid_from", &set.PaperInvalidFrom); e != nil {
			s.campaignRedisplay(w, r, e)
			return
		}
	}
	if set.Start.Weekday() != time.Monday {
		s.campaignRedisplay(w, r, model.FieldError("start", "the campaign starts on a Monday"))
		return
	}
	if err := s.Store.SaveCampaignSettings(r.Context(), set); err != nil {
		s.campaignRedisplay(w, r, err)
		return
	}
	s.Campaign.SetMailRate(set.MailPerMinute)
	if err := s.audit(r, "campaign.settings", "campaign", ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.campaignDone(w, r, "settings")
}

func (s *Server) campaignCapacitySave(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PostFormValue("office_id"), 10, 64)
	if err != nil {
		s.campaignRedisplay(w, r, model.FieldError("office_id", "unknown office"))
		return
	}
	n := -1 // empty: derive from opening hours again
	if v := strings.TrimSpace(r.PostFormValue("per_week")); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			s.campaignRedisplay(w, r, model.FieldError("per_week", "capacity: want a whole number of people per week"))
			return
		}
	}
	if _, err := s.Store.OfficeByID(r.Context(), id); err != nil {
		s.campaignRedisplay(w, r, err)
		return
	}
	if err := s.Store.SetCampaignCapacity(r.Context(), id, n); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, "campaign.capacity", "office:"+itoa(id), strconv.Itoa(n)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.campaignDone(w, r, "capacity")
}

func (s *Server) campaignPlan(w http.ResponseWriter, r *http.Request) {
	s.campaignRun(w, r, "plan", func(ctx context.Context) (string, error) {
		run, err := s.Campaign.Plan(ctx, outreach.KindPlan)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d planned, %d unplannable, gap %.3f%%, %d ms", run.Planned, run.Unplanned, 100*run.Gap, run.Millis), nil
	})
}

func (s *Server) campaignSend(w http.ResponseWriter, r *http.Request) {
	s.campaignRun(w, r, "send", func(ctx context.Context) (string, error) {
		res, err := s.Campaign.Send(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d e-mails queued, %d letters to print", res.Emails, res.Letters), nil
	})
}

func (s *Server) campaignExpire(w http.ResponseWriter, r *http.Request) {
	s.campaignRun(w, r, "expire", func(ctx context.Context) (string, error) {
		res, err := s.Campaign.Expire(ctx)
		if err != nil {
			return "", err
		}
		msg := fmt.Sprintf("%d expired", res.Expired)
		if res.Run != nil {
			msg += fmt.Sprintf(", %d re-planned, %d unplannable", res.Run.Planned, res.Run.Unplanned)
		}
		return msg, nil
	})
}

func (s *Server) campaignRemind(w http.ResponseWriter, r *http.Request) {
	n, err := s.Campaign.Remind(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, "campaign.remind", "campaign", strconv.Itoa(n)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Queue.Wake()
	s.campaignDone(w, r, "remind")
}

// campaignCitizenState records what the counters and the register learn about one
// citizen: issued, deceased, emigrated, untraceable, or a home visit on a day.
func (s *Server) campaignCitizenState(w http.ResponseWriter, r *http.Request) {
	cf := strings.ToUpper(strings.TrimSpace(r.PostFormValue("cf")))
	state := r.PostFormValue("state")
	visit := strings.TrimSpace(r.PostFormValue("visit_day"))
	valid := false
	for _, st := range store.OutcomeStates {
		valid = valid || st == state
	}
	if !valid {
		s.campaignRedisplay(w, r, model.FieldError("state", "unknown state"))
		return
	}
	if visit != "" {
		if _, err := time.Parse(time.DateOnly, visit); err != nil || state != store.CitizenHomeVisit {
			s.campaignRedisplay(w, r, model.FieldError("visit_day", "a visit day (YYYY-MM-DD) goes with the home-visit state only"))
			return
		}
	}
	if err := s.Campaign.SetOutcome(r.Context(), cf, state, visit); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			err = model.Errorf(model.ENOTFOUND, "no citizen with that codice fiscale in the campaign")
		}
		s.campaignRedisplay(w, r, err)
		return
	}
	// the audit names the change, never the codice fiscale in clear
	if err := s.audit(r, "campaign.citizen_state", "campaign_citizen", state); err != nil {
		s.fail(w, r, err)
		return
	}
	s.campaignDone(w, r, "citizen")
}

func (s *Server) campaignLetters(w http.ResponseWriter, r *http.Request) {
	var buf strings.Builder
	n, err := s.Campaign.Letters(r.Context(), &buf)
	if err != nil {
		s.campaignRedisplay(w, r, err)
		return
	}
	if err := s.audit(r, "campaign.letters", "campaign", strconv.Itoa(n)+" letters"); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="lettere-campagna-`+s.Campaign.Now().Format("20060102-1504")+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
}
