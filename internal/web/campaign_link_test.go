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
// appointment, read-only, until the link expires (for every member when it confirmed
// the household); a declined, unknown or expired link is refused in the page's language.
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
	if p := campaignPost(t, anon, link, "action=confirm_household", http.StatusOK); !strings.Contains(p, `data-state="confirmed"`) {
		t.Fatalf("confirm page:\n%s", p)
	}
	reopened := func(url string) {
		t.Helper()
		p := campaignGet(t, anon, url, http.StatusOK)
		for _, want := range []string{`data-testid="reopened"`, "Il suo appuntamento è confermato", html.EscapeString(office.Name), `data-state="confirmed"`} {
			if !strings.Contains(p, want) {
				t.Fatalf("reopened link lacks %q:\n%s", want, p)
			}
		}
		if strings.Contains(p, `data-testid="confirm"`) || strings.Contains(p, `name="action"`) {
			t.Fatalf("reopened link still offers choices:\n%s", p)
		}
	}
	reopened(link)
	reopened(other) // the other member's own e-mail, confirmed by the household button
	// a second click on "confirm" shows the same, not an error
	if p := campaignPost(t, anon, link, "action=confirm", http.StatusOK); !strings.Contains(p, `data-testid="reopened"`) {
		t.Fatalf("second confirm:\n%s", p)
	}
	// but a spent link decides nothing more, and says so in Italian
	if p := campaignPost(t, anon, link, "action=decline", http.StatusUnauthorized); !strings.Contains(p, "questo link non è valido") {
		t.Fatalf("decline on a spent link:\n%s", p)
	}
	if c, _ := a.Store.CampaignProposal(ctx, nil, hh[0].ID); c.State != store.ProposalConfirmed {
		t.Fatalf("proposal %s after the refused decline", c.State)
	}
	// a declined link shows nothing
	declined := a.URL + "/c/" + svc.Token(single[0])
	campaignPost(t, anon, declined, "action=decline", http.StatusOK)
	if p := campaignGet(t, anon, declined, http.StatusUnauthorized); !strings.Contains(p, "questo link non è valido") || strings.Contains(p, "reopened") {
		t.Fatalf("declined link:\n%s", p)
	}
	// a link nobody issued
	if p := campaignGet(t, anon, a.URL+"/c/AAAAAAAAAAEAAAAAaXxYz00000000000QrStUvWxYz0123", http.StatusUnauthorized); !strings.Contains(p, "questo link non è valido") {
		t.Fatalf("unknown link:\n%s", p)
	}
	en := a.Client(t)
	if p := campaignGet(t, en, declined+"?lang=en", http.StatusUnauthorized); !strings.Contains(p, "this link is not valid") {
		t.Fatalf("declined link in English:\n%s", p)
	}
	// once the link's own expiry passes, the confirmed appointment is no longer shown
	svc.Now = func() time.Time { return hh[0].Deadline.Add(time.Minute) }
	t.Cleanup(func() { svc.Now = time.Now })
	if p := campaignGet(t, anon, link, http.StatusUnauthorized); strings.Contains(p, "reopened") || !strings.Contains(p, "questo link non è valido") {
		t.Fatalf("expired link:\n%s", p)
	}
}
