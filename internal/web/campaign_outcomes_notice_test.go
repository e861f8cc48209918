package web_test

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignOutcomeNoticeBothForms: the clerks' outcome page (one citizen and a
// list) and the admin dashboard's form record an outcome the same way: the audit
// names the citizen by pseudonym only, and when the outcome cancels a confirmed
// appointment the citizen is e-mailed the cancellation (declined), or the page says
// to phone them (no e-mail address), or nobody is told (deceased, emigrated,
// untraceable), and the page says which.
func TestCampaignOutcomeNoticeBothForms(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	a.Web.Campaign.BaseURL = a.URL
	ctx := context.Background()
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	ps := sentCampaign(t, a, 45)

	// confirmed citizens, one per household, with and without an e-mail address
	var withMail, noMail []*store.CampaignProposal
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Household] {
			continue
		}
		seen[p.Household] = true
		c, err := a.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.Email != "" && len(withMail) < 4:
			withMail = append(withMail, p)
		case c.Email == "" && len(noMail) < 1:
			noMail = append(noMail, p)
		default:
			continue
		}
		if page := campaignPost(t, a.Client(t), a.URL+"/c/"+a.Web.Campaign.Token(p), "action=confirm", http.StatusOK); !strings.Contains(page, `data-state="confirmed"`) {
			t.Fatalf("confirm:\n%s", page)
		}
	}
	if len(withMail) < 4 || len(noMail) < 1 {
		t.Fatalf("%d with e-mail, %d without", len(withMail), len(noMail))
	}
	clerkOne := func(cf, state string) string {
		t.Helper()
		res, err := clerk.PostForm(a.URL+"/op/campagna/esiti/cittadino", url.Values{"cf": {cf}, "state": {state}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("clerk outcome: %d", res.StatusCode)
		}
		return campaignGet(t, clerk, a.URL+res.Header.Get("Location"), http.StatusOK)
	}

	// the clerk's one-citizen form: a refusal by phone cancels and e-mails
	if page := clerkOne(withMail[0].CF, store.CitizenDeclined); !strings.Contains(page, `data-testid="citizen-notice"`) || !strings.Contains(page, "avviso di annullamento per e-mail") {
		t.Fatalf("the clerk is not told the citizen was e-mailed:\n%s", page)
	}
	waitCancellation(t, sink, citizenEmail(t, a, withMail[0].CF))
	// a death cancels without a word to anyone
	if page := clerkOne(withMail[1].CF, store.CitizenDeceased); !strings.Contains(page, "per questo esito non si invia alcun avviso") {
		t.Fatalf("the clerk is not told nobody was notified:\n%s", page)
	}

	// the clerk's list: one without e-mail declines (phone them), one emigrated
	list := noMail[0].CF + ";rinuncia\n" + withMail[2].CF + ";emigrato\n"
	page := outcomesUpload(t, a, clerk, list, http.StatusOK)
	ref, _ := a.Store.CitizenRef(ctx, noMail[0].CF)
	for _, want := range []string{`<span data-testid="outcome-changed">2</span>`, `data-testid="list-phone"`, `href="/op/campagna/cittadini/` + ref + `"`, `data-testid="list-unnotified"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("list page lacks %q:\n%s", want, page)
		}
	}

	// the admin's form: the same rule
	if page := outcome(t, a, admin, withMail[3].CF, store.CitizenUntraceable); !strings.Contains(page, "per questo esito non si invia alcun avviso") {
		t.Fatalf("the admin is not told nobody was notified:\n%s", page)
	}

	// every outcome audited once by pseudonym, no codice fiscale in clear
	for _, p := range []*store.CampaignProposal{withMail[0], withMail[1], withMail[2], withMail[3], noMail[0]} {
		ref, err := a.Store.CitizenRef(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		es, err := a.Store.ListAudit(ctx, store.AuditFilter{Object: "campaign_citizen:" + ref})
		if err != nil || len(es) != 1 || es[0].Action != "campaign.citizen_state" {
			t.Fatalf("audit of %s's outcome: %+v %v", ref, es, err)
		}
		// the booking is cancelled whatever the notice
		if open, _ := a.Store.CampaignProposals(ctx, nil, `cf = ? AND state = ?`, p.CF, store.ProposalConfirmed); len(open) != 0 {
			t.Fatalf("%s keeps a confirmed appointment", ref)
		}
	}
	all, _ := a.Store.ListAudit(ctx, store.AuditFilter{Limit: 1000})
	for _, e := range all {
		for _, p := range ps {
			if strings.Contains(e.Object+e.Detail, p.CF) {
				t.Fatalf("a codice fiscale in clear in the audit log: %+v", e)
			}
		}
	}
}

func citizenEmail(t *testing.T, a *apptest.App, cf string) string {
	t.Helper()
	c, err := a.Store.CampaignCitizen(context.Background(), cf)
	if err != nil {
		t.Fatal(err)
	}
	return c.Email
}

// waitCancellation waits for the booking module's cancellation e-mail to addr.
func waitCancellation(t *testing.T, sink *smtptest.Sink, addr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range sink.Messages() {
			msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
			if err != nil || len(m.To) != 1 || m.To[0] != addr {
				continue
			}
			if subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); strings.HasPrefix(subject, "Prenotazione annullata") {
				return
			}
		}
	}
	t.Fatalf("no cancellation e-mail reached %s", addr)
}
