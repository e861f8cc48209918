package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignClosureReplansAtOnce: an admin closes an office day holding one
// confirmed and one pending campaign proposal. The confirmation step warns of the
// pending one; once confirmed, without waiting for the hourly sync, the confirmed
// citizen's link no longer says "confirmed", the pending citizen's link no longer
// offers the day, and both citizens are back in the re-plan pool.
func TestCampaignClosureReplansAtOnce(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	byDay := map[string][]*store.CampaignProposal{}
	var two []*store.CampaignProposal
	for _, p := range ps {
		k := fmt.Sprint(p.OfficeID, p.Day)
		byDay[k] = append(byDay[k], p)
		if len(byDay[k]) == 2 && two == nil {
			two = byDay[k]
		}
	}
	if two == nil {
		t.Fatal("no office day with two proposals")
	}
	conf, pend := two[0], two[1]
	anon := a.Client(t)
	confLink := a.URL + "/c/" + a.Web.Campaign.Token(conf)
	pendLink := a.URL + "/c/" + a.Web.Campaign.Token(pend)
	if p := campaignPost(t, anon, confLink, "action=confirm", http.StatusOK); !strings.Contains(p, `data-state="confirmed"`) {
		t.Fatalf("confirm page:\n%s", p)
	}
	if p := campaignGet(t, anon, confLink, http.StatusOK); !strings.Contains(p, "Il suo appuntamento è confermato") {
		t.Fatalf("confirmed link before the closure:\n%s", p)
	}
	bid, err := a.Store.CampaignBookingID(ctx, nil, conf.ID)
	if err != nil || bid == 0 {
		t.Fatalf("booking of the confirmed proposal: %d %v", bid, err)
	}
	pending := 0 // every proposal awaiting an answer on that day, pend among them
	for _, p := range byDay[fmt.Sprint(conf.OfficeID, conf.Day)] {
		if p.ID != conf.ID {
			pending++
		}
	}
	o, err := a.Store.OfficeByID(ctx, conf.OfficeID)
	if err != nil {
		t.Fatal(err)
	}
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	closeURL := a.URL + "/op/prenotazioni/uffici/" + o.Code + "/closure-add"
	form := url.Values{"day": {conf.Day}, "note": {"sciopero"}, "cancel": {fmt.Sprint(bid)}}

	// the bookings confirmed but the proposals not: the day stays open, with the count
	page := campaignPost(t, admin, closeURL, form.Encode(), http.StatusConflict)
	if !strings.Contains(page, `data-testid="closure-campaign"`) || !strings.Contains(page, fmt.Sprintf("<strong>%d</strong>", pending)) ||
		!strings.Contains(page, fmt.Sprintf(`name="campaign" value="%d"`, pending)) {
		t.Fatalf("no warning of the %d pending campaign proposals:\n%s", pending, page)
	}
	if p, _ := a.Store.CampaignProposal(ctx, nil, pend.ID); p.State != store.ProposalProposed {
		t.Fatalf("pending proposal %s before the clerk confirmed", p.State)
	}

	form.Set("campaign", fmt.Sprint(pending))
	campaignPost(t, admin, closeURL, form.Encode(), http.StatusSeeOther)

	if p := campaignGet(t, anon, confLink, http.StatusGone); strings.Contains(p, "confermato") || strings.Contains(p, "reopened") {
		t.Fatalf("confirmed link after the closure still says confirmed:\n%s", p)
	}
	if p := campaignGet(t, anon, pendLink, http.StatusGone); strings.Contains(p, `data-testid="confirm"`) || strings.Contains(p, `name="action"`) {
		t.Fatalf("pending link after the closure still offers the closed day:\n%s", p)
	}
	if p, _ := a.Store.CampaignProposal(ctx, nil, conf.ID); p.State != store.ProposalCancelled {
		t.Fatalf("confirmed proposal %s after the closure", p.State)
	}
	if id, _ := a.Store.CampaignBookingID(ctx, nil, conf.ID); id != 0 {
		t.Fatalf("confirmed proposal still linked to booking %d", id)
	}
	left, err := a.Store.CampaignProposals(ctx, nil, `office_id = ? AND day = ? AND state IN ('planned', 'proposed', 'confirmed')`, conf.OfficeID, conf.Day)
	if err != nil || len(left) != 0 {
		t.Fatalf("proposals still holding the closed day: %d %v", len(left), err)
	}
	for _, p := range []*store.CampaignProposal{conf, pend} {
		c, err := a.Store.CampaignCitizen(ctx, p.CF)
		if err != nil || c.State != store.CitizenNew {
			t.Fatalf("citizen %s after the closure: %v %v, want %s (the re-plan pool)", p.CF, c.State, err, store.CitizenNew)
		}
	}
}
