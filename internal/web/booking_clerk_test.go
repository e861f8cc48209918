package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
)

var newTimeRE = regexp.MustCompile(`name="inizio" id="n\d+" value="([^"]+)"`)

// TestBookingClerk: a clerk books on behalf of a citizen, finds the booking in the day
// agenda (and its printable version) and by codice fiscale; an admin closes a day and
// it disappears from the citizens' calendar; an operator cannot change the rules.
func TestBookingClerk(t *testing.T) {
	a := apptest.New(t)
	adminPW := a.CreateUser(t, "alice", model.RoleAdmin)
	opPW := a.CreateUser(t, "bob", model.RoleOperator)
	admin, op := a.Client(t), a.Client(t)
	a.Login(t, admin, "alice", adminPW)
	a.Login(t, op, "bob", opPW)

	day, _ := firstFree(t, op, a.URL, "/prenota/servizio/cie-first/ufficio/sansovino")
	q := "/op/prenotazioni/nuova?ufficio=sansovino&servizio=cie-first&persone=2&giorno=" + day
	st, body, _ := get(t, op, a.URL+q)
	m := newTimeRE.FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("new booking form %d %.800s", st, body)
	}
	cf1, cf2 := validCF(t, "VRDGPP70B12F205"), validCF(t, "VRDNNA72C52F205")
	form := url.Values{"ufficio": {"sansovino"}, "servizio": {"cie-first"}, "giorno": {day}, "persone": {"2"}, "inizio": {html.UnescapeString(m[1])},
		"name_0": {"Giuseppe"}, "surname_0": {"Verdi"}, "cf_0": {cf1}, "name_1": {"Anna"}, "surname_1": {"Verdi"}, "cf_1": {"VRDNNA72C52F205"},
		"email": {"verdi@example.it"}, "phone": {"02 1234567"}}
	st, body, _ = post(t, op, a.URL+"/op/prenotazioni/nuova", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "16 caratteri") || !strings.Contains(body, `value="Giuseppe"`) {
		t.Fatalf("bad second codice fiscale: %d %.800s", st, body)
	}
	form.Set("cf_1", cf2)
	st, body, res := post(t, op, a.URL+"/op/prenotazioni/nuova", form)
	if st != http.StatusSeeOther {
		t.Fatalf("book on behalf: %d %.800s", st, body)
	}
	detail := res.Header.Get("Location")
	st, body, _ = get(t, op, a.URL+detail)
	if st != 200 || !strings.Contains(body, cf1) || !strings.Contains(body, "user:bob") {
		t.Fatalf("detail %d", st)
	}
	code := regexp.MustCompile(`data-testid="booking-code">([A-Z0-9]{8})<`).FindStringSubmatch(body)[1]
	agenda := "/op/prenotazioni?ufficio=sansovino&giorno=" + day
	a.Run(t, []apptest.Scenario{
		{Name: "agenda lists the household", Path: agenda, As: op, Status: 200, Contain: []string{code, "Verdi Giuseppe", "Verdi Anna", cf2, `data-testid="agenda-total">2<`}},
		{Name: "printable agenda has no chrome", Path: agenda + "&stampa=1", As: op, Status: 200, Contain: []string{code, `class="kiosk"`}, Absent: []string{"it-header-wrapper"}},
		{Name: "search by codice fiscale", Path: "/op/prenotazioni/cerca?q=" + strings.ToLower(cf2), As: op, Status: 200, Contain: []string{code}},
		{Name: "search by reference", Path: "/op/prenotazioni/cerca?q=" + code, As: op, Status: 200, Contain: []string{code}},
		{Name: "arrival on a later day refused", Method: "POST", Path: detail + "/stato", Body: "state=arrived", As: op, Status: 422, Contain: []string{"giorno successivo"}},
		{Name: "agenda needs login", Path: agenda, Status: 303},
		{Name: "operator cannot change rules", Method: "POST", Path: "/op/prenotazioni/uffici/sansovino/closure-add", Body: "day=" + day, As: op, Status: 403},
		{Name: "setup page", Path: "/op/prenotazioni/uffici/sansovino", As: admin, Status: 200, Contain: []string{"Orario settimanale", "08:30–15:30"}},
		{Name: "bad closure date", Method: "POST", Path: "/op/prenotazioni/uffici/sansovino/closure-add", Body: "day=31/12/2026", As: admin, Status: 422, Contain: []string{"AAAA-MM-GG"}},
		{Name: "closing a day with bookings asks first", Method: "POST", Path: "/op/prenotazioni/uffici/sansovino/closure-add", Body: "day=" + day + "&note=sciopero", As: admin, Status: 409, Contain: []string{code, `data-testid="closure-confirm"`}},
		{Name: "bad settings keep the page", Method: "POST", Path: "/op/prenotazioni/uffici/sansovino/settings", Body: "min_days=5&max_days=2&release=08:00&hold_minutes=10&holdback_minutes=0&max_per_cf=2&max_per_email=6&reminder_hours=24&reconfirm_days=10&reconfirm_deadline_hours=72", As: admin, Status: 422, Contain: []string{"l&#39;ultimo giorno prenotabile"}},
		{Name: "services page", Path: "/op/prenotazioni/servizi", As: op, Status: 200, Contain: []string{"furto o smarrimento"}},
		{Name: "cancel form asks for a reason", Path: detail, As: op, Status: 200, Contain: []string{`name="motivo"`, "Motivo (facoltativo"}},
		{Name: "clerk cancels and the citizen is told", Method: "POST", Path: detail + "/annulla", Body: "motivo=sportello+chiuso+per+sciopero", As: op, Status: 303},
		{Name: "cancelled shows in detail", Path: detail, As: op, Status: 200, Contain: []string{"annullata"}},
		{Name: "admin closes the day", Method: "POST", Path: "/op/prenotazioni/uffici/sansovino/closure-add", Body: "day=" + day + "&note=sciopero", As: admin, Status: 303},
		{Name: "closed day not offered", Path: "/prenota/servizio/cie-first/ufficio/sansovino?mese=" + day[:7], Status: 200, Absent: []string{`data-day="` + day + `"`}},
		{Name: "audit has the access", Path: "/op/audit", As: admin, Status: 200, Contain: []string{"booking.view", "booking.create", "booking.cancel", "sportello chiuso per sciopero"}},
	})
}
