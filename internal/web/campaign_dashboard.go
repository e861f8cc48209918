package web

import (
	"bytes"
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
	HomeVisits []*store.CampaignCitizen // the first homeVisitsShown; the CSV has all
	HomeMore   int                      // candidates beyond HomeVisits
	Unplanned  int                      // citizens waiting in state new (unplannable.csv)
	Notice     *citizenNotice           // after an outcome: whether the citizen was told
	Batches    []*store.LetterBatch     // the letters' print runs, newest first
	MailOff    bool                     // no mail server: e-mail proposals are not sent (campaignSend)
	States     []string
	Labels     map[string]string // state names in the page's language
	Done       string
	Error      string
	Charts     campaignCharts
	GapPct     float64           // the last run's gap in percent
	ConfirmPct float64           // the forecast's confirmation rate in percent
	Form       map[string]string // the settings form's values (settingsForm)
	FieldErrs  map[string]string // the settings form's errors by field, in the page's language
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
	if d.HomeVisits, err = s.Store.HomeVisitCandidates(ctx, homeVisitsShown); err != nil {
		return nil, err
	}
	if len(d.HomeVisits) == homeVisitsShown {
		n, err := s.Store.CountHomeVisitCandidates(ctx)
		if err != nil {
			return nil, err
		}
		d.HomeMore = n - len(d.HomeVisits)
	}
	for _, c := range d.Dash.States {
		if c.Key == store.CitizenNew {
			d.Unplanned = c.Count
		}
	}
	if d.Batches, err = s.Store.LetterBatches(ctx); err != nil {
		return nil, err
	}
	d.Notice = s.citizenNoticeOf(r)
	d.MailOff = !s.mailConfigured()
	d.Charts = chartsFor(d.Dash, langOf(r))
	d.Labels = map[string]string{}
	for _, st := range store.CitizenStates {
		d.Labels[st] = stateLabel(langOf(r), st)
	}
	for _, c := range d.Dash.Channels {
		d.Labels[c.Channel] = stateLabel(langOf(r), c.Channel)
	}
	for _, k := range []string{outreach.KindPlan, outreach.KindReplan} {
		d.Labels["run:"+k] = stateLabel(langOf(r), "run:"+k)
	}
	if d.Dash.Run != nil {
		d.GapPct = 100 * d.Dash.Run.Gap
	}
	d.ConfirmPct = 100 * d.Dash.Forecast.ConfirmRate
	d.Form, d.FieldErrs = settingsForm(d.Settings), map[string]string{}
	return d, nil
}

// homeVisitsShown is how many home-visit candidates the page lists; it says how many
// more there are and links the CSV, which has them all.
const homeVisitsShown = 200

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
	if c := model.ErrorCode(err); c != model.EINVALID && c != model.ENOTFOUND && c != model.ECONFLICT {
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

// campaignSettingsFields are the settings form's inputs, in the order they show.
var campaignSettingsFields = []string{"start", "weeks", "deadline", "confirm_days", "reminder_days", "share_pct", "minutes_per_app", "mail_per_minute", "postal_days", "paper_invalid_from"}

// settingsForm is the settings form's values as text: the saved settings, or what the
// admin typed when the form comes back with errors, so nothing typed is lost.
func settingsForm(set *store.CampaignSettings) map[string]string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return map[string]string{"start": day(set.Start), "weeks": strconv.Itoa(set.Weeks), "deadline": day(set.Deadline),
		"confirm_days": strconv.Itoa(set.ConfirmDays), "reminder_days": strconv.Itoa(set.ReminderDays), "share_pct": strconv.Itoa(set.SharePct),
		"minutes_per_app": strconv.Itoa(set.MinutesPerApp), "mail_per_minute": strconv.Itoa(set.MailPerMinute), "postal_days": strconv.Itoa(set.PostalDays), "paper_invalid_from": day(set.PaperInvalidFrom)}
}

// campaignSettingsSave checks every field before saving and, when some are wrong,
// shows the form again as typed with each error under its field: one error at a time
// with the saved values back in place made the admin retype everything per mistake.
// The rules are store.CampaignSettings.Validate's; this handler only parses the text
// and adds the two that need the clock and the saved settings (nothing in the past).
func (s *Server) campaignSettingsSave(w http.ResponseWriter, r *http.Request) {
	saved, err := s.Store.CampaignSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := *saved
	lang := langOf(r)
	form := map[string]string{}
	for _, name := range campaignSettingsFields {
		form[name] = strings.TrimSpace(r.PostFormValue(name))
	}
	errs := map[string]string{}
	bad := func(name, msg string) {
		if _, ok := errs[name]; !ok { // the first thing wrong with a field is the one to fix
			errs[name] = msg
		}
	}
	// A field that does not parse is left zero, never the saved value, so Validate
	// does not judge the fields checked against it by a number the admin did not type.
	day := func(name string, dst *time.Time) {
		*dst = time.Time{}
		if name == "paper_invalid_from" && form[name] == "" {
			return // empty: letters and e-mails give the deadline as the day paper cards stop being valid
		}
		t, err := time.Parse(time.DateOnly, form[name])
		if err != nil {
			bad(name, pick(lang, "indichi una data (AAAA-MM-GG)", "want a date (YYYY-MM-DD)"))
			return
		}
		*dst = t
	}
	num := func(name string, dst *int) {
		n, err := strconv.Atoi(form[name])
		if err != nil {
			bad(name, pick(lang, "indichi un numero intero", "want a whole number"))
		}
		*dst = n // 0 when it does not parse
	}
	day("start", &set.Start)
	num("weeks", &set.Weeks)
	day("deadline", &set.Deadline)
	num("confirm_days", &set.ConfirmDays)
	num("reminder_days", &set.ReminderDays)
	num("share_pct", &set.SharePct)
	num("minutes_per_app", &set.MinutesPerApp)
	num("mail_per_minute", &set.MailPerMinute)
	num("postal_days", &set.PostalDays)
	day("paper_invalid_from", &set.PaperInvalidFrom)
	for _, err := range set.FieldErrors() {
		var fe *model.Error
		if errors.As(err, &fe) {
			bad(fe.Field, campaignMsg(lang, err))
		}
	}
	loc := s.Campaign.Loc
	if loc == nil {
		loc = time.UTC
	}
	now := s.Campaign.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC) // settings days are UTC midnights
	// a campaign already running keeps its start; a new or moved one cannot begin in
	// the past, where no appointment can be given
	if !set.Start.IsZero() && set.Start.Before(today) && !set.Start.Equal(saved.Start) {
		bad("start", pick(lang, "l'inizio non può essere nel passato", "the start cannot be in the past"))
	}
	if !set.Deadline.IsZero() && set.Deadline.Before(today) {
		bad("deadline", pick(lang, "la scadenza non può essere nel passato", "the deadline cannot be in the past"))
	}
	if len(errs) > 0 {
		s.campaignSettingsRedisplay(w, r, form, errs)
		return
	}
	if err := s.Store.SaveCampaignSettings(r.Context(), &set); err != nil {
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

// campaignSettingsRedisplay shows the dashboard with the settings form as typed and
// its errors by field.
func (s *Server) campaignSettingsRedisplay(w http.ResponseWriter, r *http.Request, form, errs map[string]string) {
	d, err := s.campaignDashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Form, d.FieldErrs = form, errs
	d.Error = "Impostazioni non salvate: corregga i campi indicati."
	if langOf(r) == "en" {
		d.Error = "Settings not saved: correct the fields marked."
	}
	s.render(w, r, http.StatusUnprocessableEntity, "campaign_dashboard.html", d)
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

// msgNoMailServer refuses a send with e-mail proposals on a server without SMTP.
const msgNoMailServer = "no mail server is configured (--smtp-addr): the e-mail proposals would reach nobody while their answer deadlines ran; configure SMTP, restart and send again"

func (s *Server) campaignSend(w http.ResponseWriter, r *http.Request) {
	// Without a mail server the e-mails would only be logged, yet Send makes their
	// proposals proposed: the answer window would run out unheard, the slots expire
	// and the citizens be re-planned as if they had ignored us. Refusing keeps the
	// plan as it is, to send once SMTP is configured; a plan of letters only goes.
	if !s.mailConfigured() {
		ps, err := s.Store.CampaignProposals(r.Context(), nil, `state = ? AND channel = ?`, store.ProposalPlanned, store.ChannelEmail)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(ps) > 0 {
			s.Log.Warn("campaign send refused: no SMTP server configured", "email_proposals", len(ps))
			s.campaignRedisplay(w, r, model.Errorf(model.EINVALID, "%s", msgNoMailServer))
			return
		}
	}
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
// citizen: issued, deceased, emigrated, untraceable, or a home visit on a day
// (recordOutcome, the path every outcome form shares).
func (s *Server) campaignCitizenState(w http.ResponseWriter, r *http.Request) {
	state := r.PostFormValue("state")
	visit := strings.TrimSpace(r.PostFormValue("visit_day"))
	if !outcomeStateValid(state, store.OutcomeStates) {
		s.campaignRedisplay(w, r, model.FieldError("state", "unknown state"))
		return
	}
	if visit != "" {
		d, err := time.Parse(time.DateOnly, visit)
		if err != nil || state != store.CitizenHomeVisit {
			s.campaignRedisplay(w, r, model.FieldError("visit_day", "%s", msgVisitDayHomeOnly))
			return
		}
		if msg := s.visitDayProblem(d); msg != "" {
			s.campaignRedisplay(w, r, model.FieldError("visit_day", "%s", msg))
			return
		}
	}
	done, err := s.recordOutcome(r, r.PostFormValue("cf"), state, visit)
	if err != nil {
		s.campaignRedisplay(w, r, err)
		return
	}
	if done.Notice != "" {
		http.Redirect(w, r, "/op/campagna?done="+done.Notice+"&c="+done.Ref, http.StatusSeeOther)
		return
	}
	s.campaignDone(w, r, "citizen")
}

// msgVisitDayHomeOnly is the outcome form's error for a visit day with another state.
const msgVisitDayHomeOnly = "a visit day (YYYY-MM-DD) goes with the home-visit state only"

// visitDayProblem says why a home visit cannot be planned on d (a UTC midnight, as
// typed): a frail citizen must not be promised a visit on a day already gone, a
// Sunday or a public holiday, when nobody from the registry office works.
func (s *Server) visitDayProblem(d time.Time) string {
	loc := s.Campaign.Loc
	if loc == nil {
		loc = time.UTC
	}
	now := s.Campaign.Now().In(loc)
	switch {
	case d.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)):
		return "the visit day is in the past"
	case d.Weekday() == time.Sunday:
		return "the visit day is a Sunday"
	case s.Booking != nil && s.Booking.Holidays.Is(d):
		return "the visit day is a public holiday"
	}
	return ""
}

// campaignLetters downloads the next print run of letters: those sent since the last
// run, each printed once (outreach.Service.Letters records the run). ?lotto=N
// downloads past run N again, for a run the printer or the post lost, on purpose only.
func (s *Server) campaignLetters(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	name, what := "lettere-campagna-"+s.Campaign.Now().Format("20060102-1504"), ""
	if v := r.URL.Query().Get("lotto"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.campaignRedisplay(w, r, model.Errorf(model.ENOTFOUND, "no such letter batch"))
			return
		}
		n, err := s.Campaign.LetterBatchAgain(r.Context(), &buf, id)
		if errors.Is(err, model.ErrNotFound) {
			err = model.Errorf(model.ENOTFOUND, "no such letter batch")
		}
		if err != nil {
			s.campaignRedisplay(w, r, err)
			return
		}
		name, what = "lettere-campagna-lotto-"+itoa(id)+"-ristampa", fmt.Sprintf("batch %d again: %d letters", id, n)
	} else {
		b, err := s.Campaign.Letters(r.Context(), &buf)
		if err != nil {
			s.campaignRedisplay(w, r, err)
			return
		}
		name = "lettere-campagna-lotto-" + itoa(b.ID)
		what = fmt.Sprintf("batch %d: %d letters, %d people", b.ID, b.Letters, b.People)
	}
	if err := s.audit(r, "campaign.letters", "campaign", what); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
