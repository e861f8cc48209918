package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestBrowserCampaignLink answers three proposals through their personal links in
// Chromium with JavaScript off, as the page must work without it: confirm, change to
// another slot, decline; declining asks first; then the declined link, opened again, says when and where to book.
func TestBrowserCampaignLink(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	// people alone: a household member's page puts moving alone behind "change my
	// appointment only" (campaign_link_browser_test.go covers households)
	all := sentCampaign(t, a, 45)
	size := map[string]int{}
	for _, p := range all {
		size[p.Household]++
	}
	var ps []*store.CampaignProposal
	for _, p := range all {
		if size[p.Household] == 1 {
			ps = append(ps, p)
		}
	}
	if len(ps) < 3 {
		t.Fatalf("%d proposals of people alone", len(ps))
	}
	b := browsertest.New(t, browsertest.Options{DisableJavaScript: true})
	open := func(p *store.CampaignProposal) string {
		u := a.URL + "/c/" + svc.Token(p)
		if err := chromedp.Do(b, chromedp.Navigate(u), chromedp.WaitVisible(`[data-testid="proposal"]`)); err != nil {
			t.Fatal(err)
		}
		return u
	}
	outcome := func() string {
		if err := chromedp.Do(b, chromedp.WaitVisible(`[data-testid="outcome"]`)); err != nil {
			t.Fatal(err)
		}
		v, err := chromedp.Run(b, chromedp.AttributeValue(`[data-testid="outcome"]`, "data-state"))
		if err != nil {
			t.Fatal(err)
		}
		return v.Value
	}
	tests := []struct {
		name  string
		act   []chromedp.Action[chromedp.Void]
		state string
	}{
		{"confirm", []chromedp.Action[chromedp.Void]{chromedp.Click(`[data-testid="confirm"]`)}, store.ProposalConfirmed},
		{"change", []chromedp.Action[chromedp.Void]{chromedp.Click(`#slot0-1`), chromedp.Click(`[data-testid="change"]`)}, store.ProposalConfirmed},
		// declining asks first, on a page of its own (no script needed)
		{"decline", []chromedp.Action[chromedp.Void]{chromedp.Click(`[data-testid="decline"]`), chromedp.WaitVisible(`[data-testid="decline-ask"]`), chromedp.Click(`[data-testid="decline-confirm"]`)}, store.ProposalDeclined},
	}
	var used string
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := open(ps[i])
			browsertest.Screenshot(t, b, "campaign_link_"+tt.name)
			if err := chromedp.Do(b, tt.act...); err != nil {
				t.Fatal(err)
			}
			if got := outcome(); got != tt.state {
				t.Fatalf("outcome %s, want %s", got, tt.state)
			}
			browsertest.Screenshot(t, b, "campaign_done_"+tt.name)
			after, _ := a.Store.CampaignProposal(ctx, nil, ps[i].ID)
			if after.State != tt.state {
				t.Fatalf("stored state %s", after.State)
			}
			if tt.name == "change" && after.Day == ps[i].Day && after.OfficeID == ps[i].OfficeID && after.Minute == ps[i].Minute {
				t.Fatal("change kept the original slot")
			}
			used = u
		})
	}
	if err := chromedp.Do(b, chromedp.Navigate(used), chromedp.WaitVisible(`main`)); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(b, chromedp.Text(`main`))
	// the declined link, opened again, says so and where to book
	if err != nil || !strings.Contains(body, "Ha rinunciato il") || !strings.Contains(body, "Prenota un appuntamento") {
		t.Fatalf("used link page: %q %v", body, err)
	}
}

// TestBrowserCampaignDashboard logs an admin in and checks the dashboard after a plan
// and a send: charts, forecast, plan summary, and no accessibility violations.
func TestBrowserCampaignDashboard(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 60)
	for i, p := range ps[:20] {
		var err error
		if i%4 == 0 {
			_, err = svc.Decline(ctx, svc.Token(p))
		} else {
			_, err = svc.Confirm(ctx, svc.Token(p), false)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	pw := a.CreateUser(t, "boss", model.RoleAdmin)
	b := browsertest.New(t)
	if err := chromedp.Do(b,
		chromedp.Navigate(a.URL+"/login"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "boss"), chromedp.SendKeys("#password", pw), chromedp.Click("#login-submit"),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
		chromedp.Navigate(a.URL+"/op/campagna"), chromedp.WaitVisible(`[data-testid="forecast"]`),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, b, "campaign_dashboard")
	if vs := browsertest.Axe(t, b); len(vs) > 0 {
		t.Errorf("dashboard accessibility:%s", browsertest.FormatViolations(vs))
	}
	txt, err := chromedp.Run(b, chromedp.Text(`[data-testid="channels"]`))
	if err != nil || !strings.Contains(txt, "e-mail") || strings.Contains(txt, "email") {
		t.Fatalf("channels table %q %v", txt, err)
	}
	// the citizens' pages pass the same accessibility checks
	for _, u := range []string{"/c/" + svc.Token(ps[30]), "/campagna", "/c/" + svc.Token(ps[31]) + "?lang=en"} {
		if err := chromedp.Do(b, chromedp.Navigate(a.URL+u), chromedp.WaitVisible(`main`)); err != nil {
			t.Fatal(err)
		}
		if vs := browsertest.Axe(t, b); len(vs) > 0 {
			t.Errorf("%s accessibility:%s", u, browsertest.FormatViolations(vs))
		}
	}
	browsertest.Screenshot(t, b, "campaign_link_en")
}
