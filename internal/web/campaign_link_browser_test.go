package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/store"
)

// TestBrowserCampaignHouseholdMove, in Chromium with JavaScript off: one household
// member moves the whole household to another time, and everyone is confirmed there
// together; a member of another household opens "change my appointment only" (a
// native disclosure, no script) and moves alone, the others keeping their proposals.
func TestBrowserCampaignHouseholdMove(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 30)
	byHousehold := map[string][]*store.CampaignProposal{}
	var order []string
	for _, p := range ps {
		if byHousehold[p.Household] == nil {
			order = append(order, p.Household)
		}
		byHousehold[p.Household] = append(byHousehold[p.Household], p)
	}
	var hhs [][]*store.CampaignProposal
	for _, k := range order {
		if len(byHousehold[k]) > 1 {
			hhs = append(hhs, byHousehold[k])
		}
	}
	if len(hhs) < 2 {
		t.Fatalf("%d households of two or more", len(hhs))
	}
	b := browsertest.New(t, browsertest.Options{DisableJavaScript: true})
	open := func(p *store.CampaignProposal) {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(a.URL+"/c/"+svc.Token(p)), chromedp.WaitVisible(`[data-testid="household-move"]`)); err != nil {
			t.Fatal(err)
		}
	}
	state := func(p *store.CampaignProposal) *store.CampaignProposal {
		t.Helper()
		after, err := a.Store.CampaignProposal(ctx, nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return after
	}

	hh := hhs[0]
	open(hh[0])
	browsertest.Screenshot(t, b, "campaign_link_household")
	if err := chromedp.Do(b, chromedp.Click(`#hh0-1`), chromedp.Click(`[data-testid="change-household"]`), chromedp.WaitVisible(`[data-testid="moved"]`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, b, "campaign_done_household")
	first := state(hh[0])
	for _, m := range hh {
		after := state(m)
		if after.State != store.ProposalConfirmed || after.OfficeID != first.OfficeID || after.Day != first.Day {
			t.Fatalf("member %d: %s at %d %s, the household at %d %s", m.ID, after.State, after.OfficeID, after.Day, first.OfficeID, first.Day)
		}
	}
	if first.OfficeID == hh[0].OfficeID && first.Day == hh[0].Day {
		t.Fatal("the household was not moved")
	}

	alone := hhs[1]
	open(alone[0])
	if err := chromedp.Do(b, chromedp.Click(`details > summary`), chromedp.Click(`#slot0-0`), chromedp.Click(`[data-testid="change"]`), chromedp.WaitVisible(`[data-testid="outcome"]`)); err != nil {
		t.Fatal(err)
	}
	if after := state(alone[0]); after.State != store.ProposalConfirmed || after.Day == alone[0].Day && after.OfficeID == alone[0].OfficeID {
		t.Fatalf("moving alone: %s at %d %s", after.State, after.OfficeID, after.Day)
	}
	for _, m := range alone[1:] {
		if after := state(m); after.State != store.ProposalProposed || after.Day != m.Day || after.Minute != m.Minute {
			t.Fatalf("member %d moved with the one who moved alone: %+v", m.ID, after)
		}
	}
}
