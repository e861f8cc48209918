package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignLinkMovesHousehold: a household member's link offers, in Italian, to
// move the whole household to times where all fit, and separately, labelled as
// splitting the household, to move this person only; each day offers more than one
// time. Moving the household confirms everyone at the new office day, and the
// outcome names each member with their time.
func TestCampaignLinkMovesHousehold(t *testing.T) {
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
		if len(m) > 1 {
			hh = m
			break
		}
	}
	if hh == nil {
		t.Fatal("the synthetic register has no household of two")
	}
	anon := a.Client(t)
	link := a.URL + "/c/" + svc.Token(hh[0])
	p := campaignGet(t, anon, link, http.StatusOK)
	i := strings.Index(p, `data-testid="household-move"`)
	j := strings.Index(p, `data-testid="household-split"`)
	if i < 0 || !strings.Contains(p, "Spostare tutto il nucleo familiare") || !strings.Contains(p, `value="change_household"`) {
		t.Fatalf("household link page does not offer to move the household:\n%s", p)
	}
	if j < i || !strings.Contains(p[j:], "separa il nucleo") || !strings.Contains(p, "Cambiare solo il mio appuntamento") {
		t.Fatalf("moving oneself is not labelled as splitting the household, after the household's move:\n%s", p)
	}
	other, err := a.Store.CampaignCitizen(ctx, hh[1].CF)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p[i:j], html.EscapeString(other.GivenNames+" "+other.FamilyName)) {
		t.Fatalf("the household's move does not name %s %s", other.GivenNames, other.FamilyName)
	}
	// each day of the household's list offers several times, every one with its
	// members' times, in a form of its own
	form := p[i:j]
	hhSlots := regexp.MustCompile(`name="slot" id="hh(\d+)-(\d+)" value="([^"]+)"`).FindAllStringSubmatch(form, -1)
	perDay := map[string]int{}
	for _, m := range hhSlots {
		perDay[m[1]]++
	}
	several := false
	for _, n := range perDay {
		several = several || n > 1
	}
	if len(hhSlots) == 0 || !several {
		t.Fatalf("household choices: %d times on %d days", len(hhSlots), len(perDay))
	}
	if en := campaignGet(t, anon, link+"?lang=en", http.StatusOK); !strings.Contains(en, "Move the whole household") || !strings.Contains(en, "Change my appointment only (the household is split)") {
		t.Fatal("the English page lacks the household's move")
	}

	pick := hhSlots[len(hhSlots)-1][3]
	done := campaignPost(t, anon, link, "action=change_household&slot="+url.QueryEscape(pick), http.StatusOK)
	if !strings.Contains(done, `data-state="confirmed"`) || !strings.Contains(done, `data-testid="moved"`) || !strings.Contains(done, html.EscapeString(other.GivenNames+" "+other.FamilyName)) {
		t.Fatalf("outcome of the household's move:\n%s", done)
	}
	var office, day string
	for k, m := range hh {
		after, err := a.Store.CampaignProposal(ctx, nil, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.State != store.ProposalConfirmed {
			t.Fatalf("member %d: %s", m.ID, after.State)
		}
		if k == 0 {
			office, day = strconv.FormatInt(after.OfficeID, 10), after.Day
			if !strings.HasPrefix(pick, office+"-"+day+"-") {
				t.Fatalf("moved to %s %s, picked %s", office, day, pick)
			}
		} else if strconv.FormatInt(after.OfficeID, 10) != office || after.Day != day {
			t.Fatalf("member %d at %d %s, the household at %s %s: split", m.ID, after.OfficeID, after.Day, office, day)
		}
	}
	// the other member's own link, spent by the move, shows the new appointment
	if p := campaignGet(t, anon, a.URL+"/c/"+svc.Token(hh[1]), http.StatusOK); !strings.Contains(p, `data-testid="confirmed"`) {
		t.Fatalf("the other member's link after the move:\n%s", p)
	}
}
