package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignConfirmInClerkAgenda: a citizen confirms through the personal link and
// the clerk finds them in the day's agenda, at the proposal's time, and by codice
// fiscale in the booking search, like any booking.
func TestCampaignConfirmInClerkAgenda(t *testing.T) {
	// a mail server: without one the send of e-mail proposals is refused
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = smtptest.Start(t).Addr }})
	a.Web.Campaign.BaseURL = a.URL
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	campaignUpload(t, a, admin, campaignCSV(t, 12))
	campaignTask(t, a, admin, "/op/campagna/piano")
	campaignTask(t, a, admin, "/op/campagna/invio")
	ctx := context.Background()
	ps, err := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalProposed)
	if err != nil || len(ps) == 0 {
		t.Fatalf("proposals: %d %v", len(ps), err)
	}
	p := ps[0]
	c, _ := a.Store.CampaignCitizen(ctx, p.CF)
	o, _ := a.Store.OfficeByID(ctx, p.OfficeID)
	agenda := a.URL + "/op/prenotazioni?ufficio=" + o.Code + "&giorno=" + p.Day
	if page := campaignGet(t, clerk, agenda, http.StatusOK); strings.Contains(page, p.CF) {
		t.Fatal("an unconfirmed proposal is already in the agenda")
	}
	if page := campaignPost(t, a.Client(t), a.URL+"/c/"+a.Web.Campaign.Token(p), "action=confirm", http.StatusOK); !strings.Contains(page, `data-state="confirmed"`) {
		t.Fatalf("confirm page:\n%s", page)
	}
	page := campaignGet(t, clerk, agenda, http.StatusOK)
	if !strings.Contains(page, c.FamilyName+" "+c.GivenNames) || !strings.Contains(page, p.CF) || !strings.Contains(page, fmt.Sprintf("%02d:%02d", p.Minute/60, p.Minute%60)) {
		t.Fatalf("agenda of %s at %s lacks %s %s at %02d:%02d:\n%s", p.Day, o.Code, c.FamilyName, p.CF, p.Minute/60, p.Minute%60, page)
	}
	if page := campaignGet(t, clerk, a.URL+"/op/prenotazioni/cerca?q="+p.CF, http.StatusOK); !strings.Contains(page, `<a href="/op/prenotazione/`) || !strings.Contains(page, o.Name) {
		t.Fatalf("search by codice fiscale does not find the campaign citizen:\n%s", page)
	}
}

// TestCampaignChangeToClosedDayPage: a day closed after the page offered it is refused
// on the page, in Italian, with the other times still offered and the link still valid.
func TestCampaignChangeToClosedDayPage(t *testing.T) {
	// a mail server: without one the send of e-mail proposals is refused
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = smtptest.Start(t).Addr }})
	a.Web.Campaign.BaseURL = a.URL
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	campaignUpload(t, a, admin, campaignCSV(t, 12))
	campaignTask(t, a, admin, "/op/campagna/piano")
	campaignTask(t, a, admin, "/op/campagna/invio")
	ctx := context.Background()
	ps, err := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalProposed)
	if err != nil || len(ps) == 0 {
		t.Fatalf("proposals: %d %v", len(ps), err)
	}
	tok := a.Web.Campaign.Token(ps[0])
	v, err := a.Web.Campaign.Open(ctx, tok)
	if err != nil || len(v.Slots) < 2 {
		t.Fatalf("open: %v", err)
	}
	sl := v.Slots[0]
	if err := a.Store.AddClosure(ctx, &booking.Closure{OfficeID: sl.OfficeID, Day: sl.At.Format(time.DateOnly), Note: "sciopero"}); err != nil {
		t.Fatal(err)
	}
	page := campaignPost(t, a.Client(t), a.URL+"/c/"+tok, "action=change&slot="+sl.ID, http.StatusUnprocessableEntity)
	if !strings.Contains(page, `data-testid="link-error"`) || !strings.Contains(page, "chiuso quel giorno") {
		t.Fatalf("change to a closed day: no clear message:\n%s", page)
	}
	if strings.Contains(page, `value="`+sl.ID+`"`) {
		t.Fatal("the closed day is still offered")
	}
	if !strings.Contains(page, `data-testid="slot"`) {
		t.Fatal("no other time offered after the refusal")
	}
}
