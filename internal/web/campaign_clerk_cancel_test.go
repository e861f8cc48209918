package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestClerkCancelsCampaignBooking: through the app's wiring, a clerk cancels a
// confirmed campaign appointment from its page with a reason; the citizen is back in
// the campaign's pool at once (no sync has run), and the e-mail they get is the
// campaign's bilingual one with the reason and the promise of a new proposal.
func TestClerkCancelsCampaignBooking(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	a.Web.Campaign.BaseURL = a.URL
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	campaignUpload(t, a, admin, campaignCSV(t, 12))
	campaignTask(t, a, admin, "/op/campagna/piano")
	campaignTask(t, a, admin, "/op/campagna/invio")
	ctx := context.Background()
	ps, err := a.Store.CampaignProposals(ctx, nil, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)
	if err != nil || len(ps) == 0 {
		t.Fatalf("e-mailed proposals: %d %v", len(ps), err)
	}
	p := ps[0]
	c, _ := a.Store.CampaignCitizen(ctx, p.CF)
	campaignPost(t, a.Client(t), a.URL+"/c/"+a.Web.Campaign.Token(p), "action=confirm", http.StatusOK)
	id, err := a.Store.CampaignBookingID(ctx, nil, p.ID)
	if err != nil || id == 0 {
		t.Fatalf("booking of the confirmed proposal: %d %v", id, err)
	}
	page := a.URL + "/op/prenotazione/" + strconv.FormatInt(id, 10)
	if body := campaignGet(t, clerk, page, http.StatusOK); !strings.Contains(body, `name="motivo"`) {
		t.Fatalf("cancel form without a reason field:\n%s", body)
	}
	campaignPost(t, clerk, page+"/annulla", "motivo="+url.QueryEscape("guasto al sistema"), http.StatusSeeOther)
	if c2, _ := a.Store.CampaignCitizen(ctx, p.CF); c2.State != store.CitizenNew {
		t.Fatalf("citizen %s right after the clerk's cancellation, want new", c2.State)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, d := range sink.Messages() {
			m, err := smtptest.Parse(d.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.To) != 1 || d.To[0] != c.Email || !strings.Contains(m.Subject, "appuntamento annullato") {
				continue
			}
			for _, want := range []string{"Motivo: guasto al sistema", "Riceverà una nuova proposta", "Reason: guasto al sistema", "You will receive a new appointment proposal", a.URL + "/prenota"} {
				if !strings.Contains(m.Text, want) {
					t.Fatalf("cancellation mail lacks %q:\n%s", want, m.Text)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no campaign cancellation mail to %s among %d", c.Email, len(sink.Messages()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
