package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignLinkMoveNamesUnmailed: after a household move, the mover's page names
// the relatives moved who have no working e-mail (none, or one that bounced), with
// their new day and time, and asks the mover to tell them, since the comune will not
// write again; a relative with an address is not named there; a move of relatives
// who all have one shows no such request. In Italian, and in English.
func TestCampaignLinkMoveNamesUnmailed(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	byHousehold := map[string][]*store.CampaignProposal{}
	for _, p := range ps {
		byHousehold[p.Household] = append(byHousehold[p.Household], p)
	}
	var hhs [][]*store.CampaignProposal
	for _, m := range byHousehold {
		if len(m) > 1 {
			hhs = append(hhs, m)
		}
	}
	sort.Slice(hhs, func(i, j int) bool { return len(hhs[i]) > len(hhs[j]) })
	// each move below leaves out a relative with an address, to show they are not named
	if len(hhs) < 3 || len(hhs[0]) < 4 || len(hhs[1]) < 3 {
		t.Fatalf("the synthetic register lacks households of 4 and 3: %d households", len(hhs))
	}
	name := func(p *store.CampaignProposal) string {
		c, err := a.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		return html.EscapeString(c.GivenNames + " " + c.FamilyName)
	}
	setEmail := func(p *store.CampaignProposal, email string, bad bool) {
		flag := 0 // an INTEGER column in both dialects: PostgreSQL takes no bool for it
		if bad {
			flag = 1
		}
		if _, err := a.Store.Exec(ctx, `UPDATE campaign_citizens SET email = ?, email_bad = ? WHERE cf = ?`, email, flag, p.CF); err != nil {
			t.Fatal(err)
		}
	}
	anon := a.Client(t)
	move := func(hh []*store.CampaignProposal, lang string) string {
		t.Helper()
		link := a.URL + "/c/" + svc.Token(hh[0]) + lang
		p := campaignGet(t, anon, link, http.StatusOK)
		slots := regexp.MustCompile(`name="slot" id="hh\d+-\d+" value="([^"]+)"`).FindAllStringSubmatch(p, -1)
		if len(slots) == 0 {
			t.Fatalf("no household time offered:\n%s", p)
		}
		done := campaignPost(t, anon, link, "action=change_household&slot="+url.QueryEscape(slots[len(slots)-1][1]), http.StatusOK)
		if !strings.Contains(done, `data-testid="moved"`) {
			t.Fatalf("not a household move's outcome:\n%s", done)
		}
		return done
	}
	block := func(done string) string {
		i := strings.Index(done, `data-testid="moved-unmailed"`)
		if i < 0 {
			return ""
		}
		j := strings.Index(done[i:], "</div>")
		if j < 0 {
			t.Fatalf("unclosed request to tell:\n%s", done[i:])
		}
		return done[i : i+j]
	}

	// Italian: one relative without an address, one whose address bounced, one with
	hh := hhs[0]
	setEmail(hh[1], "", false)
	setEmail(hh[2], "bounced@example.org", true)
	for _, m := range hh[3:] {
		setEmail(m, "ok@example.org", false)
	}
	done := move(hh, "")
	b := block(done)
	if b == "" || !strings.Contains(b, "Avvisi lei questi familiari del nuovo orario") || !strings.Contains(b, "non scriverà loro di nuovo") {
		t.Fatalf("the mover is not asked to tell those without e-mail:\n%s", done)
	}
	for _, m := range hh[1:3] {
		after, err := a.Store.CampaignProposal(ctx, nil, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		at := svc.At(after.Day, after.Minute)
		if !strings.Contains(b, name(m)+": ") || !strings.Contains(b, at.Format("02/01/2006")+", "+at.Format("15:04")) {
			t.Fatalf("the request does not name %s with the new time %v:\n%s", name(m), at, b)
		}
	}
	for _, m := range hh[3:] {
		if strings.Contains(b, name(m)) {
			t.Fatalf("%s has an address but is named among those without:\n%s", name(m), b)
		}
	}
	if strings.Contains(done, "ciascuno riceve la conferma per e-mail") {
		t.Fatal("the page still says everyone gets an e-mail")
	}

	// English, one relative without an address: singular
	hh = hhs[1]
	setEmail(hh[1], "", false)
	for _, m := range hh[2:] {
		setEmail(m, "ok@example.org", false)
	}
	b = block(move(hh, "?lang=en"))
	if !strings.Contains(b, "Please tell this relative the new time yourself") || !strings.Contains(b, "will not write to them again") || !strings.Contains(b, name(hh[1])) || strings.Contains(b, name(hh[2])) {
		t.Fatalf("English request to tell:\n%s", b)
	}

	// everyone moved has an address: nothing to ask
	hh = hhs[2]
	for _, m := range hh[1:] {
		setEmail(m, "ok@example.org", false)
	}
	if done := move(hh, ""); strings.Contains(done, `data-testid="moved-unmailed"`) {
		t.Fatalf("asked to tell relatives who get the e-mail:\n%s", done)
	}
}
