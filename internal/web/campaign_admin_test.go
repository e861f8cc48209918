package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignHomeVisitsComplete: the page lists the first 200 candidates and says how
// many more there are; the CSV has every one.
func TestCampaignHomeVisitsComplete(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	cs, err := register.Parse([]byte(campaignCSV(t, 230)), register.Options{Policy: register.DefaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Frail = true
	}
	if _, err := a.Store.ImportCitizens(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	page := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK)
	if want := fmt.Sprintf("e altri %d</strong>", len(cs)-200); !strings.Contains(page, `data-testid="home-more"`) || !strings.Contains(page, want) {
		t.Fatalf("the page does not say %q", want)
	}
	body := campaignGet(t, admin, a.URL+"/op/campagna/export/home-visits.csv", http.StatusOK)
	if n := strings.Count(body, "\n"); n != len(cs)+1 {
		t.Fatalf("home-visits.csv has %d lines, want %d", n, len(cs)+1)
	}
}

// TestCampaignAdminGaps follows the project office and a registry clerk: the plan and
// the people left out as CSV for Italian Excel, a citizen found by code and by name,
// outcomes audited under a pseudonym, and a confirmed citizen told when an outcome
// cancels the appointment — by e-mail, or the operator is told to phone.
func TestCampaignAdminGaps(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	a.Web.Campaign.BaseURL = a.URL
	ctx := context.Background()
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	campaignUpload(t, a, admin, campaignCSV(t, 12))

	// before any plan everyone waits, and the CSV says why
	un := campaignGet(t, admin, a.URL+"/op/campagna/export/unplannable.csv", http.StatusOK)
	if !strings.HasPrefix(un, "\uFEFFcodice_fiscale;household_id;household_waiting;reason;") || strings.Count(un, ";no_plan_yet;") != 12 {
		t.Fatalf("unplannable.csv:\n%s", un)
	}
	task := campaignTask(t, a, admin, "/op/campagna/piano")
	if !strings.Contains(task, "unplannable.csv") {
		t.Fatalf("the task page has no link to the people left out:\n%s", task)
	}
	if page := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK); !strings.Contains(page, "(piano, ") {
		t.Fatal("the last run's kind is not in Italian")
	}
	campaignTask(t, a, admin, "/op/campagna/invio")
	open, err := a.Store.CampaignProposals(ctx, nil, "state IN ('planned', 'proposed', 'confirmed')")
	if err != nil || len(open) == 0 {
		t.Fatalf("%d proposals, %v", len(open), err)
	}
	plan := campaignGet(t, admin, a.URL+"/op/campagna/export/plan.csv", http.StatusOK)
	if !strings.HasPrefix(plan, "\uFEFFcodice_fiscale;household_id;office_id;date;time;state;channel;deadline;") || strings.Count(plan, "\n") != len(open)+1 {
		t.Fatalf("plan.csv: want %d rows:\n%s", len(open), plan)
	}
	// Italian Excel: ';' and a decimal comma; a script can ask for RFC 4180
	if ch := campaignGet(t, admin, a.URL+"/op/campagna/export/channels.csv", http.StatusOK); !strings.Contains(ch, ";0,") || strings.Contains(ch, "0.") {
		t.Fatalf("channels.csv is not in the Italian format:\n%s", ch)
	}
	if ch := campaignGet(t, admin, a.URL+"/op/campagna/export/channels.csv?formato=rfc4180", http.StatusOK); !strings.Contains(ch, "channel,sent,") || !strings.Contains(ch, "0.") {
		t.Fatalf("channels.csv?formato=rfc4180:\n%s", ch)
	}

	// two citizens confirm through their link: one with an e-mail address, one without
	var withMail, noMail *store.CampaignProposal
	for _, p := range open {
		c, err := a.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "" && withMail == nil {
			withMail = p
		} else if c.Email == "" && noMail == nil {
			noMail = p
		}
	}
	if withMail == nil || noMail == nil {
		t.Fatal("the extract lacks a citizen with or without e-mail")
	}
	for _, p := range []*store.CampaignProposal{withMail, noMail} {
		if page := campaignPost(t, a.Client(t), a.URL+"/c/"+a.Web.Campaign.Token(p), "action=confirm", http.StatusOK); !strings.Contains(page, `data-state="confirmed"`) {
			t.Fatalf("confirm:\n%s", page)
		}
	}
	c, _ := a.Store.CampaignCitizen(ctx, withMail.CF)
	page := outcome(t, a, admin, withMail.CF, store.CitizenHomeVisit)
	if !strings.Contains(page, `data-testid="citizen-notice"`) || !strings.Contains(page, "per e-mail") {
		t.Fatalf("the operator is not told the citizen was e-mailed:\n%s", page)
	}
	found := false
	for deadline := time.Now().Add(10 * time.Second); !found && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range sink.Messages() {
			msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
			if err != nil || len(m.To) != 1 || m.To[0] != c.Email {
				continue
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			found = found || strings.HasPrefix(subject, "Prenotazione annullata")
		}
	}
	if !found {
		t.Fatalf("no cancellation e-mail reached %s", c.Email)
	}
	page = outcome(t, a, admin, noMail.CF, store.CitizenNew)
	if !strings.Contains(page, `data-testid="citizen-notice"`) || !strings.Contains(page, "lo avvisi per telefono") {
		t.Fatalf("the operator is not told to phone:\n%s", page)
	}

	// the audit names the citizen by a pseudonym the store resolves, never the code
	ref, err := a.Store.CitizenRef(ctx, withMail.CF)
	if err != nil {
		t.Fatal(err)
	}
	es, err := a.Store.ListAudit(ctx, store.AuditFilter{Object: "campaign_citizen:" + ref})
	if err != nil || len(es) != 1 || es[0].Action != "campaign.citizen_state" || es[0].Detail != store.CitizenHomeVisit {
		t.Fatalf("audit of the outcome: %v, %v", es, err)
	}
	if r, err := a.Store.CitizenByRef(ctx, ref); err != nil || r.CF != withMail.CF {
		t.Fatalf("the pseudonym does not resolve: %v", err)
	}

	// the clerk on the phone: by code (one hit opens the record) and by name
	res, err := clerk.Get(a.URL + "/op/campagna/cittadini?q=" + strings.ToLower(withMail.CF))
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("search by code: %v %v", res, err)
	}
	res.Body.Close()
	rec := campaignGet(t, clerk, a.URL+res.Header.Get("Location"), http.StatusOK)
	if !strings.Contains(rec, `data-testid="citizen-state"`) || !strings.Contains(rec, "visita a domicilio") || !strings.Contains(rec, "campaign.citizen_state") {
		t.Fatalf("record:\n%s", rec)
	}
	list := campaignGet(t, clerk, a.URL+"/op/campagna/cittadini?q=giulia", http.StatusOK)
	if strings.Count(list, `href="/op/campagna/cittadini/c`) != 12 {
		t.Fatalf("search by name:\n%s", list)
	}
	es, _ = a.Store.ListAudit(ctx, store.AuditFilter{Object: "campaign_citizen:" + ref})
	if len(es) != 2 || es[0].Action != "campaign.citizen_view" || es[0].Actor != "user:clerk" {
		t.Fatalf("the view is not audited: %+v", es)
	}
	all, _ := a.Store.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	for _, e := range all {
		if strings.Contains(e.Object+e.Detail, withMail.CF) || strings.Contains(e.Object+e.Detail, noMail.CF) {
			t.Fatalf("a codice fiscale in clear in the audit log: %+v", e)
		}
	}

	// the outcome form's own error, in Italian
	page = campaignPost(t, admin, a.URL+"/op/campagna/cittadino", url.Values{"cf": {noMail.CF}, "state": {store.CitizenIssued}, "visit_day": {"2030-01-07"}}.Encode(), http.StatusUnprocessableEntity)
	if !strings.Contains(page, "visita a domicilio»") {
		t.Fatalf("visit-day error not in Italian:\n%s", page)
	}
}

// TestCampaignExportPhone: a phone number leaves as typed, a formula in a name does not.
func TestCampaignExportPhone(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	cs := []register.Citizen{{CF: "ZZZZZZ00A00Z000Z", FamilyName: "Rossi", GivenNames: "+cmd|' /C calc'!A0", Household: "h1", Address: "Via Roma 1",
		Postcode: "20121", Phone: "+39 02 1234 5678", CardType: "paper", Lat: 45.46, Lon: 9.19, Frail: true}}
	if _, err := a.Store.ImportCitizens(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	body := campaignGet(t, admin, a.URL+"/op/campagna/export/home-visits.csv", http.StatusOK)
	if !strings.Contains(body, ";+39 02 1234 5678;") || !strings.Contains(body, ";'+cmd|") {
		t.Fatalf("home-visits.csv:\n%s", body)
	}
}

// outcome records state for cf through the form and returns the page it leads to.
func outcome(t *testing.T, a *apptest.App, c *http.Client, cf, state string) string {
	t.Helper()
	res, err := c.PostForm(a.URL+"/op/campagna/cittadino", url.Values{"cf": {cf}, "state": {state}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("outcome: %d", res.StatusCode)
	}
	return campaignGet(t, c, a.URL+res.Header.Get("Location"), http.StatusOK)
}
