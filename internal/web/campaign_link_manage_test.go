package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignLinkManageConfirmed: after confirming, the outcome page links to the
// appointment, where the citizen changes it (the booking moves with it, the
// confirmation goes again) and then cancels it, asked first: the booking is cancelled,
// the proposal and the citizen are declined, and the page points to /prenota and to
// the comune's contact.
func TestCampaignLinkManageConfirmed(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	svc.Phone = "02 0202 0202"
	ctx := context.Background()
	ps := sentCampaign(t, a, 45)
	size := map[string]int{}
	for _, p := range ps {
		size[p.Household]++
	}
	var p0 *store.CampaignProposal
	for _, p := range ps {
		if size[p.Household] == 1 {
			p0 = p
			break
		}
	}
	if p0 == nil {
		t.Fatal("no person alone in the synthetic register")
	}
	anon := a.Client(t)
	done := campaignPost(t, anon, a.URL+"/c/"+svc.Token(p0), "action=confirm", http.StatusOK)
	m := regexp.MustCompile(`data-testid="manage">[^<]*<a href="(/c/[^"]+)"`).FindStringSubmatch(done)
	if m == nil || !strings.Contains(done, "02 0202 0202") {
		t.Fatalf("the outcome page neither links to the appointment nor gives the comune's phone:\n%s", done)
	}
	manage := a.URL + html.UnescapeString(m[1])
	page := campaignGet(t, anon, manage, http.StatusOK)
	slots := regexp.MustCompile(`name="slot" id="slot\d+-\d+" value="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if !strings.Contains(page, `data-testid="confirmed"`) || !strings.Contains(page, `value="change"`) || len(slots) == 0 {
		t.Fatalf("the confirmed appointment's page offers no change:\n%s", page)
	}
	before, _ := a.Store.CampaignProposal(ctx, nil, p0.ID)
	bid, _ := a.Store.CampaignBookingID(ctx, nil, p0.ID)
	pick := slots[len(slots)-1][1]
	moved := campaignPost(t, anon, manage, "action=change&slot="+url.QueryEscape(pick), http.StatusOK)
	after, _ := a.Store.CampaignProposal(ctx, nil, p0.ID)
	if after.State != store.ProposalConfirmed || fmt.Sprintf("%d-%s-%d", after.OfficeID, after.Day, after.Minute) != pick || after.Day == before.Day && after.Minute == before.Minute && after.OfficeID == before.OfficeID {
		t.Fatalf("after the change: %s at %d %s %d, picked %s", after.State, after.OfficeID, after.Day, after.Minute, pick)
	}
	if bid != 0 { // at another office the booking is made anew (MoveCampaign)
		bid, _ = a.Store.CampaignBookingID(ctx, nil, p0.ID)
		b, err := a.Store.BookingByID(ctx, a.Store.Reader(), bid)
		if err != nil || !b.Start.Equal(svc.At(after.Day, after.Minute)) || b.State != booking.StateConfirmed {
			t.Fatalf("the booking did not follow the change: %+v %v", b, err)
		}
	}
	// the link the change was made with is spent; the new outcome links on
	m = regexp.MustCompile(`data-testid="manage">[^<]*<a href="(/c/[^"]+)"`).FindStringSubmatch(moved)
	if m == nil {
		t.Fatalf("change outcome:\n%s", moved)
	}
	manage = a.URL + html.UnescapeString(m[1])
	if p := campaignPost(t, anon, manage, "action=decline", http.StatusOK); !strings.Contains(p, `data-testid="decline-ask"`) || !strings.Contains(p, "annullare l&#39;appuntamento") {
		t.Fatalf("cancel's question:\n%s", p)
	}
	if c, _ := a.Store.CampaignProposal(ctx, nil, p0.ID); c.State != store.ProposalConfirmed {
		t.Fatalf("asking cancelled: %s", c.State)
	}
	out := campaignPost(t, anon, manage, "action=decline_confirm", http.StatusOK)
	if !strings.Contains(out, `data-state="declined"`) || !strings.Contains(out, `href="/prenota"`) || !strings.Contains(out, "02 0202 0202") {
		t.Fatalf("cancel outcome:\n%s", out)
	}
	end, _ := a.Store.CampaignProposal(ctx, nil, p0.ID)
	c, _ := a.Store.CampaignCitizen(ctx, p0.CF)
	if end.State != store.ProposalDeclined || c.State != store.CitizenDeclined {
		t.Fatalf("after the cancel: proposal %s, citizen %s", end.State, c.State)
	}
	if bid != 0 {
		if b, _ := a.Store.BookingByID(ctx, a.Store.Reader(), bid); b.State != booking.StateCancelled {
			t.Fatalf("booking %s after the cancel: the slot is not freed", b.State)
		}
		if id, _ := a.Store.CampaignBookingID(ctx, nil, p0.ID); id != 0 {
			t.Fatal("the declined proposal still holds its booking")
		}
	}
	if p := campaignGet(t, anon, manage, http.StatusOK); !strings.Contains(p, "Ha rinunciato il") {
		t.Fatalf("the cancelled appointment's link:\n%s", p)
	}
}

// TestCampaignCodeAfterHouseholdMove: a household member with a letter only, whose
// appointment a relative moved with the whole household, types the letter's code and
// birth year and reaches her own appointment at its new time, with the household's
// times; her code no longer matches a proposal awaiting an answer, but it is hers.
func TestCampaignCodeAfterHouseholdMove(t *testing.T) {
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
	page := campaignGet(t, anon, link, http.StatusOK)
	hhSlots := regexp.MustCompile(`name="slot" id="hh\d+-\d+" value="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(hhSlots) == 0 {
		t.Fatalf("no household move offered:\n%s", page)
	}
	campaignPost(t, anon, link, "action=change_household&slot="+url.QueryEscape(hhSlots[len(hhSlots)-1][1]), http.StatusOK)
	her, _ := a.Store.CampaignProposal(ctx, nil, hh[1].ID)
	if her.State != store.ProposalConfirmed || her.Day == hh[1].Day && her.Minute == hh[1].Minute {
		t.Fatalf("the relative's move left her at %s %s %d", her.State, her.Day, her.Minute)
	}
	c, _ := a.Store.CampaignCitizen(ctx, her.CF)
	res, err := anon.PostForm(a.URL+"/campagna", url.Values{"code": {her.LetterCode}, "year": {fmt.Sprint(c.Birth.Year())}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/c/") {
		t.Fatalf("her code after the household's move: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	p := campaignGet(t, anon, a.URL+res.Header.Get("Location"), http.StatusOK)
	at := svc.At(her.Day, her.Minute)
	relative, _ := a.Store.CampaignCitizen(ctx, hh[0].CF)
	for _, want := range []string{`data-testid="confirmed"`, html.EscapeString(c.GivenNames), at.Format("02/01/2006"), at.Format("15:04"), `data-testid="booked"`, html.EscapeString(relative.GivenNames + " " + relative.FamilyName), `data-testid="cancel"`} {
		if !strings.Contains(p, want) {
			t.Fatalf("her appointment's page lacks %q:\n%s", want, p)
		}
	}
	// a wrong year still matches nothing, and says so without naming which half
	if p := campaignPost(t, anon, a.URL+"/campagna", fmt.Sprintf("code=%s&year=%d", her.LetterCode, c.Birth.Year()+1), http.StatusNotFound); !strings.Contains(p, "Nessun appuntamento corrisponde") {
		t.Fatalf("wrong year:\n%s", p)
	}
}
