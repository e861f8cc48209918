package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/store"
)

var slotDay = regexp.MustCompile(`name="slot" id="slot\d+-\d+" value="(\d+)-(\d{4}-\d{2}-\d{2})-\d+"`)

// TestCampaignLinkLaterDays: the link page of a proposal weeks away offers days of
// the proposal's own week and just before it, not only the next few days, and a plain
// "mostra altri giorni" link (?from=, no script) pages forward: that page's days start
// at its date, it links back, and a time picked there is booked.
func TestCampaignLinkLaterDays(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	count := map[string]int{}
	for _, p := range ps {
		count[p.Household]++
	}
	var p *store.CampaignProposal
	for _, m := range ps {
		if count[m.Household] == 1 && (p == nil || m.Day > p.Day) {
			p = m
		}
	}
	propDay, _ := time.Parse(time.DateOnly, p.Day)
	if propDay.Sub(svc.Now()) < 14*24*time.Hour {
		t.Fatalf("fixture: the latest proposal (%s) is not weeks away", p.Day)
	}
	anon := a.Client(t)
	link := a.URL + "/c/" + svc.Token(p)
	page := campaignGet(t, anon, link, http.StatusOK)
	near, before := false, false
	for _, m := range slotDay.FindAllStringSubmatch(page, -1) {
		d, _ := time.Parse(time.DateOnly, m[2])
		if gap := d.Sub(propDay); gap > -7*24*time.Hour && gap < 7*24*time.Hour {
			near = true
		}
		before = before || d.Before(propDay)
	}
	if !near || !before {
		t.Fatalf("the page does not offer days around the proposal of %s (near %v, before %v):\n%s", p.Day, near, before, page)
	}
	later := regexp.MustCompile(`href="\?from=(\d{4}-\d{2}-\d{2})#giorni-slot"[^>]*data-testid="slot-later">mostra altri giorni`).FindStringSubmatch(page)
	if later == nil {
		t.Fatalf("no 'mostra altri giorni' link:\n%s", page)
	}
	next := campaignGet(t, anon, link+"?from="+later[1], http.StatusOK)
	days := slotDay.FindAllStringSubmatch(next, -1)
	if len(days) == 0 || !strings.Contains(next, `data-testid="slot-earlier"`) || !strings.Contains(next, "Giorni dal") {
		t.Fatalf("the later page from %s:\n%s", later[1], next)
	}
	for _, m := range days {
		if m[2] < later[1] {
			t.Fatalf("the page from %s offers %s", later[1], m[2])
		}
	}
	if !strings.Contains(next, `name="from" value="`+later[1]+`"`) {
		t.Fatal("the change form does not carry the page's from back")
	}
	if en := campaignGet(t, anon, link+"?lang=en", http.StatusOK); !strings.Contains(en, "later days") {
		t.Fatal("the English page lacks 'later days'")
	}
	pick := regexp.MustCompile(`name="slot" id="slot\d+-\d+" value="([^"]+)"`).FindAllStringSubmatch(next, -1)
	last := pick[len(pick)-1][1]
	done := campaignPost(t, anon, link, "action=change&from="+later[1]+"&slot="+url.QueryEscape(last), http.StatusOK)
	if !strings.Contains(done, `data-state="confirmed"`) {
		t.Fatalf("outcome of a later day's choice:\n%s", done)
	}
	after, _ := a.Store.CampaignProposal(ctx, nil, p.ID)
	if after.State != store.ProposalConfirmed || !strings.Contains(last, after.Day) || after.Day < later[1] {
		t.Fatalf("after choosing %s: %s on %s", last, after.State, after.Day)
	}
	// a link from a day past the campaign or malformed shows the days around the proposal
	if again := campaignGet(t, anon, a.URL+"/c/"+svc.Token(after)+"?from=2999-01-01", http.StatusOK); strings.Contains(again, "Giorni dal") {
		t.Fatal("a from past the campaign was taken")
	}
}

// TestCampaignLinkHouseholdNamesAndConfirmed: the confirm-for-household button says
// whom it confirms by name, not "(1 + 1)"; a member who already confirmed is shown to
// the mover by name, unticked, and a household move without ticking leaves them at
// their time.
func TestCampaignLinkHouseholdNamesAndConfirmed(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	byHousehold := map[string][]*store.CampaignProposal{}
	for _, p := range ps {
		byHousehold[p.Household] = append(byHousehold[p.Household], p)
	}
	var hh []*store.CampaignProposal
	for _, m := range byHousehold {
		if len(m) > 1 && m[0].OfficeID == m[1].OfficeID && m[0].Day == m[1].Day {
			hh = m
			break
		}
	}
	if hh == nil {
		t.Fatal("the synthetic register has no household proposed together")
	}
	anon := a.Client(t)
	link := a.URL + "/c/" + svc.Token(hh[0])
	page := campaignGet(t, anon, link, http.StatusOK)
	btn := regexp.MustCompile(`(?s)data-testid="confirm-household">(.*?)</button>`).FindStringSubmatch(page)
	if btn == nil || strings.Contains(btn[1], "+ 1") || !strings.HasPrefix(btn[1], "Confermo per me e per ") {
		t.Fatalf("confirm-for-household button: %q", btn)
	}
	for _, m := range hh[1:] {
		c, _ := a.Store.CampaignCitizen(ctx, m.CF)
		if !strings.Contains(btn[1], html.EscapeString(c.GivenNames)) {
			t.Fatalf("the button %q does not name %s", btn[1], c.GivenNames)
		}
	}

	// the second member confirms on their own link; the first then moves the household
	campaignPost(t, anon, a.URL+"/c/"+svc.Token(hh[1]), "action=confirm", http.StatusOK)
	kept, _ := a.Store.CampaignProposal(ctx, nil, hh[1].ID)
	keptC, _ := a.Store.CampaignCitizen(ctx, kept.CF)
	page = campaignGet(t, anon, link, http.StatusOK)
	i := strings.Index(page, `data-testid="household-confirmed"`)
	box := regexp.MustCompile(`<input[^>]*name="also" value="(\d+)"[^>]*>`).FindStringSubmatch(page)
	if i < 0 || box == nil || box[1] != itoa(kept.ID) || strings.Contains(box[0], "checked") ||
		!strings.Contains(page[i:], html.EscapeString(keptC.GivenNames+" "+keptC.FamilyName)) {
		t.Fatalf("the confirmed member is not offered by name, unticked:\n%s", page)
	}
	hhSlots := regexp.MustCompile(`name="slot" id="hh\d+-\d+" value="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(hhSlots) == 0 {
		t.Fatalf("no household times:\n%s", page)
	}
	campaignPost(t, anon, link, "action=change_household&slot="+url.QueryEscape(hhSlots[0][1]), http.StatusOK)
	after, _ := a.Store.CampaignProposal(ctx, nil, kept.ID)
	if after.State != store.ProposalConfirmed || after.Day != kept.Day || after.Minute != kept.Minute || after.OfficeID != kept.OfficeID {
		t.Fatalf("the confirmed member was moved without being ticked: %s %s %d", after.State, after.Day, after.Minute)
	}
	mover, _ := a.Store.CampaignProposal(ctx, nil, hh[0].ID)
	if mover.State != store.ProposalConfirmed || !strings.Contains(hhSlots[0][1], mover.Day) {
		t.Fatalf("the mover: %s on %s, chose %s", mover.State, mover.Day, hhSlots[0][1])
	}
}
