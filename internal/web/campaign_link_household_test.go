package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignLinkWarnsHouseholdSplit: the link page of a household member whose
// relatives still await an answer warns, next to the other times, that a change moves
// this person alone and names those who keep their time; a person alone sees no warning.
func TestCampaignLinkWarnsHouseholdSplit(t *testing.T) {
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
		} else if len(m) == 1 && single == nil {
			single = m
		}
	}
	if hh == nil || single == nil {
		t.Fatal("the synthetic register has no household of two or no person alone")
	}
	anon := a.Client(t)
	p := campaignGet(t, anon, a.URL+"/c/"+svc.Token(hh[0]), http.StatusOK)
	i := strings.Index(p, `data-testid="household-split"`)
	if i < 0 || !strings.Contains(p, "il cambio vale solo per lei") {
		t.Fatalf("household link page lacks the split warning:\n%s", p)
	}
	if j := strings.Index(p, `value="change"`); j < i {
		t.Fatal("the warning is not in the change form, before its button")
	}
	other, err := a.Store.CampaignCitizen(ctx, hh[1].CF)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p[i:], html.EscapeString(other.GivenNames+" "+other.FamilyName)) {
		t.Fatalf("the warning does not name %s %s:\n%s", other.GivenNames, other.FamilyName, p[i:])
	}
	if p := campaignGet(t, anon, a.URL+"/c/"+svc.Token(single[0]), http.StatusOK); strings.Contains(p, `data-testid="household-split"`) {
		t.Fatalf("a person alone is warned about a household:\n%s", p)
	}
}
