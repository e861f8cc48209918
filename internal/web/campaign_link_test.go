package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignLinkReopened: a link spent on a confirmation shows the confirmed
// appointment (for every member when it confirmed the household), to change or cancel
// but not to confirm again, until the appointment's time; declining asks first, and the
// declined link then says when and where to book; an unknown or expired link gets a
// page that explains (410 Gone), never "login required", in the page's language.
func TestCampaignLinkReopened(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	byHousehold := map[string][]*store.CampaignProposal{}
	for _, p := range ps {
		byHousehold[p.Household] = append(byHousehold[p.Household], p)
	}
	var hh, single []*store.CampaignProposal
	for _, m := range byHousehold {
		if len(m) > 1 && hh == nil {
			hh = m
		} else if len(m) == 1 && len(single) < 2 {
			single = append(single, m[0])
		}
	}
	if hh == nil || len(single) < 2 {
		t.Fatal("the synthetic register has no household of two or no two people alone")
	}
	anon := a.Client(t)
	link := a.URL + "/c/" + svc.Token(hh[0])
	other := a.URL + "/c/" + svc.Token(hh[1])
	office, _ := a.Store.OfficeByID(ctx, hh[0].OfficeID)
	if p := campaignPost(t, anon, link, "action=confirm_household", http.StatusOK); !strings.Contains(p, `data-state="confirmed"`) || !strings.Contains(p, `data-testid="manage"`) {
		t.Fatalf("confirm page:\n%s", p)
	}
	reopened := func(url string) {
		t.Helper()
		p := campaignGet(t, anon, url, http.StatusOK)
		for _, want := range []string{`data-testid="confirmed"`, "Il suo appuntamento è confermato", html.EscapeString(office.Name), `data-testid="cancel"`, `data-testid="contact"`, html.EscapeString(svc.Comune)} {
			if !strings.Contains(p, want) {
				t.Fatalf("reopened link lacks %q:\n%s", want, p)
			}
		}
		if strings.Contains(p, `data-testid="confirm"`) || strings.Contains(p, `value="confirm_household"`) {
			t.Fatalf("reopened link offers to confirm again:\n%s", p)
		}
	}
	reopened(link)
	reopened(other) // the other member's own e-mail, confirmed by the household button
	// a second click on "confirm" shows the same, not an error
	if p := campaignPost(t, anon, link, "action=confirm", http.StatusOK); !strings.Contains(p, `data-testid="confirmed"`) {
		t.Fatalf("second confirm:\n%s", p)
	}
	// the spent link decides nothing by itself: it shows the appointment
	if p := campaignPost(t, anon, link, "action=decline_confirm", http.StatusOK); !strings.Contains(p, `data-testid="confirmed"`) {
		t.Fatalf("decline on a spent link:\n%s", p)
	}
	if c, _ := a.Store.CampaignProposal(ctx, nil, hh[0].ID); c.State != store.ProposalConfirmed {
		t.Fatalf("proposal %s after the refused decline", c.State)
	}

	// declining asks first, and nothing changes until the citizen says yes
	declined := a.URL + "/c/" + svc.Token(single[0])
	if p := campaignPost(t, anon, declined, "action=decline", http.StatusOK); !strings.Contains(p, `data-testid="decline-ask"`) || !strings.Contains(p, `value="decline_confirm"`) || !strings.Contains(p, `href="/c/`) {
		t.Fatalf("decline's question:\n%s", p)
	}
	if c, _ := a.Store.CampaignProposal(ctx, nil, single[0].ID); c.State != store.ProposalProposed {
		t.Fatalf("one tap on Rinuncio: proposal %s", c.State)
	}
	if p := campaignPost(t, anon, declined, "action=decline_confirm", http.StatusOK); !strings.Contains(p, `data-state="declined"`) || !strings.Contains(p, `href="/prenota"`) {
		t.Fatalf("declined:\n%s", p)
	}
	// opened again, the declined link says when, and where to book on their own
	p := campaignGet(t, anon, declined, http.StatusOK)
	if !strings.Contains(p, "Ha rinunciato il") || !strings.Contains(p, `href="/prenota"`) || strings.Contains(p, "Accesso richiesto") || strings.Contains(p, `name="action"`) {
		t.Fatalf("declined link:\n%s", p)
	}
	// a link nobody issued
	if p := campaignGet(t, anon, a.URL+"/c/AAAAAAAAAAEAAAAAaXxYz00000000000QrStUvWxYz0123", http.StatusGone); !strings.Contains(p, "questo link non è valido") || strings.Contains(p, "Accesso richiesto") || !strings.Contains(p, `href="/campagna"`) {
		t.Fatalf("unknown link:\n%s", p)
	}
	en := a.Client(t)
	if p := campaignGet(t, en, a.URL+"/c/AAAAAAAAAAEAAAAAaXxYz00000000000QrStUvWxYz0123?lang=en", http.StatusGone); !strings.Contains(p, "this link is not valid") || strings.Contains(p, "Login required") {
		t.Fatalf("unknown link in English:\n%s", p)
	}
	// an unanswered link past its answer date
	svc.Now = func() time.Time { return single[1].Deadline.Add(time.Minute) }
	t.Cleanup(func() { svc.Now = time.Now })
	if p := campaignGet(t, anon, a.URL+"/c/"+svc.Token(single[1]), http.StatusGone); !strings.Contains(p, "questa proposta è scaduta") || strings.Contains(p, "Accesso richiesto") {
		t.Fatalf("expired link:\n%s", p)
	}
	// the confirmed appointment stays in the citizen's hands until its time
	reopened(link)
	after, _ := a.Store.CampaignProposal(ctx, nil, hh[0].ID)
	svc.Now = func() time.Time { return svc.At(after.Day, after.Minute).Add(time.Minute) }
	if p := campaignGet(t, anon, link, http.StatusGone); strings.Contains(p, `data-testid="cancel"`) || !strings.Contains(p, "è passato") {
		t.Fatalf("link after the appointment's time:\n%s", p)
	}
}
