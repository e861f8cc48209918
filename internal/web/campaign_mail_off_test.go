package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignSendWithoutMailServer: a server started without --smtp-addr only logs
// e-mails. The dashboard says so before anything is sent; a send with e-mail
// proposals is refused and leaves the plan as it was (no deadline starts running); a
// plan of letters alone is sent; an outcome that cancels a confirmed appointment of a
// citizen with an e-mail address says to phone them, not that they were e-mailed; and
// the booking pages do not claim an e-mail was sent.
func TestCampaignSendWithoutMailServer(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	a.Web.Campaign.BaseURL = a.URL
	ctx := context.Background()
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	campaignUpload(t, a, admin, campaignCSV(t, 12))
	if p := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK); !strings.Contains(p, `data-testid="mail-off"`) || !strings.Contains(p, "Nessun server di posta configurato") {
		t.Fatalf("no warning on the dashboard:\n%s", p)
	}
	campaignTask(t, a, admin, "/op/campagna/piano")
	planned, _ := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalPlanned)
	if len(planned) != 12 {
		t.Fatalf("%d planned", len(planned))
	}
	if p := campaignPost(t, admin, a.URL+"/op/campagna/invio", "", http.StatusUnprocessableEntity); !strings.Contains(p, "nessun server di posta configurato (--smtp-addr)") {
		t.Fatalf("send not refused:\n%s", p)
	}
	if still, _ := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalPlanned); len(still) != len(planned) {
		t.Fatalf("a refused send left %d of %d planned", len(still), len(planned))
	}

	// sent anyway (as the hourly re-plan would): an outcome does not claim an e-mail
	if _, err := a.Web.Campaign.Send(ctx); err != nil {
		t.Fatal(err)
	}
	var withMail *store.CampaignProposal
	for _, p := range planned {
		if c, _ := a.Store.CampaignCitizen(ctx, p.CF); c.Email != "" {
			withMail = p
			break
		}
	}
	p, _ := a.Store.CampaignProposals(ctx, nil, "id = ?", withMail.ID)
	if page := campaignPost(t, a.Client(t), a.URL+"/c/"+a.Web.Campaign.Token(p[0]), "action=confirm", http.StatusOK); !strings.Contains(page, `data-state="confirmed"`) {
		t.Fatalf("confirm:\n%s", page)
	}
	if page := outcome(t, a, admin, withMail.CF, store.CitizenDeclined); !strings.Contains(page, "lo avvisi per telefono") || strings.Contains(page, "per e-mail.") {
		t.Fatalf("the admin is told the citizen was e-mailed without a mail server:\n%s", page)
	}

	// the booking pages: confirmed, without the claim of an e-mail
	c := a.Client(t)
	day, times := firstFree(t, c, a.URL, "/prenota/servizio/cie-first/ufficio/padova")
	st, body, res := post(t, c, a.URL+"/prenota/trattieni", url.Values{"servizio": {"cie-first"}, "ufficio": {"padova"}, "persone": {"1"}, "modo": {"consecutive"}, "giorno": {day}, "inizio": {times[0]}})
	if st != http.StatusSeeOther {
		t.Fatalf("hold: %d %.500s", st, body)
	}
	data := url.Values{"name_0": {"Mario"}, "surname_0": {"Rossi"}, "cf_0": {validCF(t, "RSSMRA80A01F205")}, "email": {"mario.rossi@example.it"}, "phone": {"+39 333 1234567"}}
	if st, body, res = post(t, c, a.URL+res.Header.Get("Location"), data); st != http.StatusSeeOther {
		t.Fatalf("book: %d %.1500s", st, body)
	}
	if _, body, _ = get(t, c, a.URL+res.Header.Get("Location")); !strings.Contains(body, `data-testid="booking-done"`) || strings.Contains(body, "Le abbiamo inviato") || !strings.Contains(body, "Non è stato possibile inviarle un") {
		t.Fatalf("the booking page claims an e-mail:\n%.3000s", body)
	}
}

// TestCampaignSendLettersWithoutMailServer: a plan of letters alone needs no mail
// server and is sent.
func TestCampaignSendLettersWithoutMailServer(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	campaignUpload(t, a, admin, regexp.MustCompile(`cittadino\d+@example\.it`).ReplaceAllString(campaignCSV(t, 12), ""))
	campaignTask(t, a, admin, "/op/campagna/piano")
	if p := campaignTask(t, a, admin, "/op/campagna/invio"); !strings.Contains(p, "0 e-mail in coda, 12 lettere da stampare") {
		t.Fatalf("letters-only send:\n%s", p)
	}
}

// TestBookingClosureWithoutMailServer: closing a day with bookings on a server
// without SMTP tells the clerk to phone everyone, not that those with an e-mail
// address were notified.
func TestBookingClosureWithoutMailServer(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "alice", a.CreateUser(t, "alice", model.RoleAdmin))
	ctx := context.Background()
	day, times := freeTimes(t, a, "sansovino")
	_, form := citizenHold(t, a, "sansovino", times[0])
	if _, err := a.Web.Booking.Confirm(ctx, strings.TrimPrefix(form, "/prenota/dati/"), []booking.Person{{Name: "Anna", Surname: "Verdi", CF: validCF(t, "VRDGPP70B12F205")}},
		booking.Contact{Email: "citizen@example.it", Phone: "02 1234567"}); err != nil {
		t.Fatal(err)
	}
	_, body, _ := post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/closure-add", url.Values{"day": {day}, "note": {"sciopero"}})
	confirm := url.Values{"day": {day}, "note": {"sciopero"}}
	for _, m := range regexp.MustCompile(`name="cancel" value="(\d+)"`).FindAllStringSubmatch(body, -1) {
		confirm.Add("cancel", m[1])
	}
	st, body, res := post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/closure-add", confirm)
	if st != http.StatusSeeOther {
		t.Fatalf("confirmed closure: %d %.2000s", st, body)
	}
	if _, body, _ = get(t, admin, a.URL+res.Header.Get("Location")); !strings.Contains(body, `data-testid="closure-mail-off"`) || strings.Contains(body, "ricevono l&#39;avviso") {
		t.Fatalf("the closure page claims notices went by e-mail:\n%.3000s", body)
	}
}
