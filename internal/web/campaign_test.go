package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// campaignCSV is a valid register extract of n citizens in households; two in three
// have an e-mail address.
func campaignCSV(t *testing.T, n int) string {
	t.Helper()
	s := plan.NewSynthetic(n, 3, true)
	var b strings.Builder
	b.WriteString("codice_fiscale,family_name,given_names,sex,birth_date,household_id,address,postcode,lat,lon,card_type,card_number,card_expiry,email,phone,due_date\n")
	for i, p := range s.People {
		c, err := codicefiscale.Parse(p.CF)
		if err != nil {
			t.Fatal(err)
		}
		birth, sex, err := c.Birth(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		email := ""
		if i%3 != 2 {
			email = fmt.Sprintf("cittadino%d@example.it", i)
		}
		fmt.Fprintf(&b, "%s,Rossi%d,Giulia,%c,%s,%s,Via Padova %d,201%02d,%.6f,%.6f,paper,AX%07d,2027-01-01,%s,,\n",
			p.CF, i, sex, birth.Format(time.DateOnly), p.Household, i+1, i%40, p.Lat, p.Lon, i, email)
	}
	return b.String()
}

// sentCampaign imports n citizens of campaignCSV into a, plans and sends, and returns
// the proposals sent.
func sentCampaign(t *testing.T, a *apptest.App, n int) []*store.CampaignProposal {
	t.Helper()
	ctx, svc := context.Background(), a.Web.Campaign
	cs, err := register.Parse([]byte(campaignCSV(t, n)), register.Options{Policy: register.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Plan(ctx, outreach.KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ps, err := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalProposed)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func campaignUpload(t *testing.T, a *apptest.App, c *http.Client, csv string) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("citizens", "citizens.csv")
	io.WriteString(fw, csv)
	mw.Close()
	req, _ := http.NewRequest("POST", a.URL+"/op/campagna/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	for i := 0; i < 200; i++ {
		page := campaignGet(t, c, a.URL+loc, http.StatusOK)
		if !strings.Contains(page, `data-phase="reading"`) && !strings.Contains(page, `data-phase="storing"`) {
			return page
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("import did not finish")
	return ""
}

func campaignGet(t *testing.T, c *http.Client, url string, want int) string {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d\n%s", url, res.StatusCode, want, b)
	}
	return string(b)
}

func campaignPost(t *testing.T, c *http.Client, url, form string, want int) string {
	t.Helper()
	res, err := c.Post(url, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d\n%s", url, res.StatusCode, want, b)
	}
	return string(b)
}

// campaignTask posts a background task and follows its page until it is done.
func campaignTask(t *testing.T, a *apptest.App, c *http.Client, path string) string {
	t.Helper()
	res, err := c.Post(a.URL+path, "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d", path, res.StatusCode)
	}
	for i := 0; i < 300; i++ {
		page := campaignGet(t, c, a.URL+res.Header.Get("Location"), http.StatusOK)
		if strings.Contains(page, `data-done="true"`) {
			return page
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not finish", path)
	return ""
}

var campaignLinkRE = regexp.MustCompile(`/c/[A-Za-z0-9_-]{40,}`)

// TestCampaignImportPlanSendAnswer runs the campaign through the admin pages against a
// real SMTP sink: import (bad file refused with its lines, re-import unchanged), plan,
// send, the e-mails with their ICS and link, letters, dashboard, CSV, and the link.
func TestCampaignImportPlanSendAnswer(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	a.Web.Campaign.BaseURL = a.URL
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))

	csv := campaignCSV(t, 45)
	lines := strings.Split(csv, "\n")
	bad := strings.Join(append([]string{lines[0], lines[1], strings.Replace(lines[2], ",paper,", ",carta,", 1), lines[3], strings.Replace(lines[4], "Via Padova 4,", ",", 1)}, lines[5:]...), "\n")
	page := campaignUpload(t, a, admin, bad)
	for _, want := range []string{`data-phase="failed"`, "<td>3</td><td>card_type &#34;carta&#34;: indichi paper o cie", "<td>5</td><td>address: obbligatorio"} {
		if !strings.Contains(page, want) {
			t.Fatalf("bad import page lacks %q:\n%s", want, page)
		}
	}
	if n, _ := a.Store.CampaignCitizens(context.Background(), nil); len(n) != 0 {
		t.Fatalf("a bad file imported %d rows", len(n))
	}
	page = campaignUpload(t, a, admin, csv)
	if !strings.Contains(page, `<span data-testid="added">45</span>`) {
		t.Fatalf("import page:\n%s", page)
	}
	page = campaignUpload(t, a, admin, csv)
	if !strings.Contains(page, `<span data-testid="unchanged">45</span>`) || !strings.Contains(page, `<span data-testid="added">0</span>`) {
		t.Fatalf("re-import page:\n%s", page)
	}

	if p := campaignTask(t, a, admin, "/op/campagna/invio"); !strings.Contains(p, `data-failed="true"`) || !strings.Contains(p, "calcoli prima il piano") {
		t.Fatalf("send before plan:\n%s", p)
	}
	if p := campaignTask(t, a, admin, "/op/campagna/piano"); !strings.Contains(p, `data-failed="false"`) || !strings.Contains(p, "45 pianificati, 0 non pianificabili") {
		t.Fatalf("plan:\n%s", p)
	}
	// the day paper cards stop being valid: the deadline until set, then what the admin typed
	set, _ := a.Store.CampaignSettings(context.Background())
	if p := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK); !strings.Contains(p, "<strong>"+set.Deadline.Format("02/01/2006")+"</strong> (la scadenza") {
		t.Fatalf("dashboard does not give the deadline as the paper cards' last day:\n%s", p)
	}
	form := url.Values{"start": {set.Start.Format(time.DateOnly)}, "weeks": {fmt.Sprint(set.Weeks)}, "deadline": {set.Deadline.Format(time.DateOnly)},
		"confirm_days": {fmt.Sprint(set.ConfirmDays)}, "reminder_days": {fmt.Sprint(set.ReminderDays)}, "share_pct": {fmt.Sprint(set.SharePct)},
		"minutes_per_app": {fmt.Sprint(set.MinutesPerApp)}, "mail_per_minute": {fmt.Sprint(set.MailPerMinute)}, "postal_days": {fmt.Sprint(set.PostalDays)}, "paper_invalid_from": {"2027-09-30"}}
	campaignPost(t, admin, a.URL+"/op/campagna/impostazioni", form.Encode(), http.StatusSeeOther)
	if p := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK); !strings.Contains(p, `value="2027-09-30"`) || !strings.Contains(p, "<strong>30/09/2027</strong>.") {
		t.Fatalf("dashboard lacks the paper cards' last day:\n%s", p)
	}
	if p := campaignTask(t, a, admin, "/op/campagna/invio"); !strings.Contains(p, "30 e-mail in coda, 15 lettere da stampare") {
		t.Fatalf("send:\n%s", p)
	}
	a.Run(t, []apptest.Scenario{
		{Name: "operators are kept out", Method: "GET", Path: "/op/campagna", As: clerk, Status: http.StatusForbidden},
		{Name: "operators cannot plan", Method: "POST", Path: "/op/campagna/piano", As: clerk, Status: http.StatusForbidden},
		{Name: "summary", Method: "GET", Path: "/op/campagna", As: admin, Status: http.StatusOK, Contain: []string{`data-testid="run"`, "45 / 0", "<svg", `data-testid="forecast-provisional"`, "provvisorio"}},
		{Name: "letters", Method: "GET", Path: "/op/campagna/lettere.zip", As: admin, Status: http.StatusOK, Contain: []string{"PK", "lettere-001.pdf"}},
		{Name: "operators cannot print reminder letters", Method: "GET", Path: "/op/campagna/lettere-promemoria.zip", As: clerk, Status: http.StatusForbidden},
		{Name: "no reminder letter due on the day of the send", Method: "GET", Path: "/op/campagna/lettere-promemoria.zip", As: admin, Status: http.StatusNotFound, Contain: []string{"nessuna lettera di promemoria da stampare"}},
		{Name: "csv", Method: "GET", Path: "/op/campagna/export/states.csv", As: admin, Status: http.StatusOK, Contain: []string{"state;citizens\n", "proposed;45"}},
		{Name: "capacity csv", Method: "GET", Path: "/op/campagna/export/capacity.csv", As: admin, Status: http.StatusOK, Contain: []string{"office;derived_per_week;per_week;typed\n", "Anagrafe centrale"}},
		{Name: "forecast csv", Method: "GET", Path: "/op/campagna/export/forecast.csv", As: admin, Status: http.StatusOK, Contain: []string{"remaining;per_week"}},
		{Name: "unknown table", Method: "GET", Path: "/op/campagna/export/users.csv", As: admin, Status: http.StatusNotFound},
		{Name: "bad capacity", Method: "POST", Path: "/op/campagna/capacita", Body: "office_id=1&per_week=-3", As: admin, Status: http.StatusUnprocessableEntity},
	})

	msgs := sink.Wait(t, 30, 30*time.Second)
	if len(msgs) != 30 {
		t.Fatalf("%d e-mails, want 30 (two in three of 45)", len(msgs))
	}
	m, err := smtptest.Parse(msgs[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Subject, "appuntamento") || len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0].Data), "BEGIN:VEVENT") {
		t.Fatalf("e-mail: subject %q, %d attachments", m.Subject, len(m.Attachments))
	}
	if !strings.Contains(m.Text, "non sarà più valida dal 30 settembre 2027.") || !strings.Contains(m.Text, "stop being valid on 30 September 2027.") {
		t.Fatalf("e-mail does not give the paper cards' last day:\n%s", m.Text)
	}
	link := campaignLinkRE.FindString(m.Text)
	if link == "" || !strings.Contains(m.Text, a.URL+link) {
		t.Fatalf("no personal link in:\n%s", m.Text)
	}
	anon := a.Client(t)
	if p := campaignGet(t, anon, a.URL+link, http.StatusOK); !strings.Contains(p, `data-testid="confirm"`) {
		t.Fatalf("link page:\n%s", p)
	}
	if p := campaignPost(t, anon, a.URL+link, "action=confirm", http.StatusOK); !strings.Contains(p, `data-state="confirmed"`) {
		t.Fatalf("confirm page:\n%s", p)
	}
	// reopened, the spent link shows the confirmed appointment, to change or cancel, not to confirm again
	if p := campaignGet(t, anon, a.URL+link, http.StatusOK); !strings.Contains(p, `data-testid="confirmed"`) || strings.Contains(p, `data-testid="confirm"`) || !strings.Contains(p, `data-testid="cancel"`) {
		t.Fatalf("reopened link:\n%s", p)
	}
	// a letter's code and birth year lead to the personal link
	ps, _ := a.Store.CampaignProposals(context.Background(), nil, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelLetter)
	c, _ := a.Store.CampaignCitizen(context.Background(), ps[0].CF)
	res, err := anon.PostForm(a.URL+"/campagna", url.Values{"code": {ps[0].LetterCode}, "year": {fmt.Sprint(c.Birth.Year())}})
	if err != nil || res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/c/") {
		t.Fatalf("code form: %v %v", res, err)
	}
	res.Body.Close()
	if p := campaignPost(t, anon, a.URL+"/campagna", fmt.Sprintf("code=%s&year=%d", ps[0].LetterCode, c.Birth.Year()+1), http.StatusNotFound); !strings.Contains(p, `data-testid="code-error"`) {
		t.Fatalf("wrong year page:\n%s", p)
	}
	// a decline on the spent link only shows the appointment, where cancelling asks first
	if p := campaignPost(t, anon, a.URL+link, "action=decline_confirm", http.StatusOK); !strings.Contains(p, `data-testid="confirmed"`) {
		t.Fatalf("decline on the spent link:\n%s", p)
	}
	if p := campaignGet(t, admin, a.URL+"/op/campagna/export/channels.csv", http.StatusOK); !strings.Contains(p, "email;30;1;0;0;29;") {
		t.Fatalf("channels.csv:\n%s", p)
	}
	// an outcome recorded by the counter
	open, _ := a.Store.CampaignProposals(context.Background(), nil, "state = ?", store.ProposalProposed)
	cf := open[0].CF
	campaignPost(t, admin, a.URL+"/op/campagna/cittadino", "cf="+cf+"&state=issued", http.StatusSeeOther)
	if c, _ := a.Store.CampaignCitizen(context.Background(), cf); c.State != store.CitizenIssued {
		t.Fatalf("state %s", c.State)
	}
	// and the open proposal is cancelled, so its slot is free again
	if ps, _ := a.Store.CampaignProposals(context.Background(), nil, "cf = ?", cf); ps[len(ps)-1].State != store.ProposalCancelled {
		t.Fatalf("proposal %s after the outcome", ps[len(ps)-1].State)
	}
	// a home visit is never promised for a day gone, a Sunday or a public holiday
	now := a.Web.Campaign.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	sunday := today.AddDate(0, 0, 7+int(time.Sunday-today.Weekday()))
	holiday := time.Date(today.Year()+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	for day, want := range map[time.Time]string{today.AddDate(0, 0, -1): "già passato", sunday: "domenica", holiday: "festivo"} {
		if p := campaignPost(t, admin, a.URL+"/op/campagna/cittadino", "cf="+open[1].CF+"&state=home_visit&visit_day="+day.Format(time.DateOnly), http.StatusUnprocessableEntity); !strings.Contains(p, want) {
			t.Fatalf("visit on %s: page lacks %q", day.Format(time.DateOnly), want)
		}
	}
	visit := sunday.AddDate(0, 0, 2) // a Tuesday
	for a.Web.Booking.Holidays.Is(visit) {
		visit = visit.AddDate(0, 0, 1)
	}
	campaignPost(t, admin, a.URL+"/op/campagna/cittadino", "cf="+open[1].CF+"&state=home_visit&visit_day="+visit.Format(time.DateOnly), http.StatusSeeOther)
	if p := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK); !strings.Contains(p, "<td>visita a domicilio</td><td>"+visit.Format(time.DateOnly)+"</td>") {
		t.Fatalf("home visit not listed:\n%s", p)
	}
	campaignPost(t, admin, a.URL+"/op/campagna/cittadino", "cf=XXXXXX00X00X000X&state=deceased", http.StatusNotFound)
	campaignPost(t, admin, a.URL+"/op/campagna/cittadino", "cf="+cf+"&state=confirmed", http.StatusUnprocessableEntity)
}
