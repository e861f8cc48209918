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
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// citizenHold holds start at office for one person as a citizen would and returns the
// held booking and the path of its data form.
func citizenHold(t *testing.T, a *apptest.App, office string, start time.Time) (*booking.Booking, string) {
	t.Helper()
	ctx := context.Background()
	o, err := a.Web.Booking.ActiveOffice(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := a.Web.Booking.ServiceByCode(ctx, "cie-first")
	if err != nil {
		t.Fatal(err)
	}
	b, token, err := a.Web.Booking.Hold(ctx, engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: start, People: 1}, "it", "citizen")
	if err != nil {
		t.Fatalf("hold %s: %v", start, err)
	}
	return b, "/prenota/dati/" + token
}

// lapse makes a hold run out, as if the citizen had typed for longer than its minutes.
func lapse(t *testing.T, a *apptest.App, id int64) {
	t.Helper()
	if _, err := a.Store.Exec(context.Background(), `UPDATE bookings SET hold_expires = ? WHERE id = ?`, store.Micros(time.Now().Add(-time.Minute)), id); err != nil {
		t.Fatal(err)
	}
}

func freeTimes(t *testing.T, a *apptest.App, office string) (string, []time.Time) {
	t.Helper()
	day, times := firstFree(t, a.Client(t), a.URL, "/prenota/servizio/cie-first/ufficio/"+office)
	var out []time.Time
	for _, s := range times {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tm)
	}
	if len(out) < 3 {
		t.Fatalf("want 3 free times on %s, got %d", day, len(out))
	}
	return day, out
}

// TestBookingLapsedHoldKeepsEverything: a citizen whose hold ran out while typing does
// not lose what they typed. If the time is still free it is held again and the booking
// confirmed in the same submit; if it was taken meanwhile the form comes back with all
// values, the day's other free times to pick in the form itself and a link to that
// office and day; the old token cannot make a second hold.
func TestBookingLapsedHoldKeepsEverything(t *testing.T) {
	a, _ := bookingApp(t)
	c := a.Client(t)
	ctx := context.Background()
	day, times := freeTimes(t, a, "padova")
	data := url.Values{"name_0": {"Mario"}, "surname_0": {"Rossi"}, "cf_0": {validCF(t, "RSSMRA80A01F205")}, "email": {"mario.rossi@example.it"}, "phone": {"+39 333 1234567"}}

	// Still free: held again and confirmed at once.
	held, form := citizenHold(t, a, "padova", times[0])
	lapse(t, a, held.ID)
	st, body, res := post(t, c, a.URL+form, data)
	if st != http.StatusSeeOther {
		t.Fatalf("lapsed hold, time still free: %d %.1500s", st, body)
	}
	if st, body, _ = get(t, c, a.URL+res.Header.Get("Location")); st != 200 || !strings.Contains(body, `data-testid="booking-done"`) || !strings.Contains(body, times[0].In(rome(t)).Format("15:04")) {
		t.Fatalf("booking after re-hold: %d %.1500s", st, body)
	}
	// The done page promises only what the photo upload does: a photo code to bring,
	// not a link to the booking that the upload page has no field for.
	if strings.Contains(body, "la collega all&#39;appuntamento") || !strings.Contains(body, "codice foto") {
		t.Error("done page: photo paragraph promises a link to the booking")
	}
	old, err := a.Store.BookingByID(ctx, a.Store.Reader(), held.ID)
	if err != nil || old.State != booking.StateExpired || !old.Released {
		t.Fatalf("lapsed hold afterwards: %+v %v", old, err)
	}
	if st, _, _ = post(t, c, a.URL+form, data); st != http.StatusUnauthorized {
		t.Fatalf("old token used again: %d, want 401 (one token, one live hold)", st)
	}

	// Taken meanwhile: the form comes back whole, with a way on.
	held, form = citizenHold(t, a, "padova", times[1])
	lapse(t, a, held.ID)
	o, _ := a.Web.Booking.ActiveOffice(ctx, "padova")
	svc, _ := a.Web.Booking.ServiceByCode(ctx, "cie-first")
	for i := 0; ; i++ {
		_, _, err := a.Web.Booking.Hold(ctx, engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: times[1], People: 1}, "it", "citizen")
		if engine.IsSlotTaken(err) {
			break
		}
		if err != nil || i > 20 {
			t.Fatalf("filling the slot: %v after %d holds", err, i)
		}
	}
	data.Set("cf_0", validCF(t, "BNCLCU75D45F205"))
	st, body, _ = post(t, c, a.URL+form, data)
	for _, want := range []string{"un&#39;altra persona ha prenotato questo orario", `value="mario.rossi@example.it"`, `value="` + data.Get("cf_0") + `"`,
		`333 1234567"`, `value="Rossi"`, `data-testid="lapsed-times"`, `giorno=` + day, `name="inizio"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("lapsed hold, time taken: %d, missing %q in %.3000s", st, want, body)
		}
	}
	if st != http.StatusConflict || strings.Contains(body, `value="`+times[1].In(rome(t)).Format(time.RFC3339)+`"`) {
		t.Fatalf("lapsed hold, time taken: status %d, or the taken time offered again", st)
	}
	m := regexp.MustCompile(`name="inizio" id="lt\d+" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no other time offered")
	}
	data.Set("inizio", strings.ReplaceAll(m[1], "&#43;", "+"))
	if st, body, _ = post(t, c, a.URL+form, data); st != http.StatusSeeOther {
		t.Fatalf("another time picked in the form: %d %.1500s", st, body)
	}

	// The form opened again after its hold ran out (a reload, a late click) is usable,
	// with the original time offered and checked.
	held, form = citizenHold(t, a, "padova", times[2])
	lapse(t, a, held.ID)
	st, body, _ = get(t, c, a.URL+form)
	want := `value="` + strings.ReplaceAll(times[2].In(rome(t)).Format(time.RFC3339), "+", "&#43;") + `" checked`
	if st != http.StatusOK || !strings.Contains(body, "il tempo per completare i dati è scaduto") || !strings.Contains(body, want) || !strings.Contains(body, `name="cf_0"`) {
		t.Fatalf("form reopened after the lapse: %d, want %q in %.3000s", st, want, body)
	}
	data.Set("cf_0", validCF(t, "VRDGPP70B12F205"))
	data.Set("inizio", times[2].In(rome(t)).Format(time.RFC3339))
	data.Set("phone", "12")
	st, body, _ = post(t, c, a.URL+form, data)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `id="phone-err"`) || strings.Contains(body, "riservato per lei fino alle") {
		t.Fatalf("a field error on a lapsed hold: %d %.3000s", st, body)
	}
	data.Set("phone", "+39 333 1234567")
	if st, body, _ = post(t, c, a.URL+form, data); st != http.StatusSeeOther {
		t.Fatalf("confirm from the reopened form: %d %.1500s", st, body)
	}
}

// TestBookingFormMarksEveryField: a form with a wrong codice fiscale, surname, e-mail
// and telephone marks each of them (aria-invalid and the message beside it) and keeps
// every value, instead of only the first error.
func TestBookingFormMarksEveryField(t *testing.T) {
	a, _ := bookingApp(t)
	c := a.Client(t)
	_, times := freeTimes(t, a, "padova")
	_, form := citizenHold(t, a, "padova", times[0])
	data := url.Values{"name_0": {"Mario"}, "surname_0": {" "}, "cf_0": {"RSSMRA80A01F205A"}, "email": {"mario.rossi@"}, "phone": {"12"}}
	st, body, _ := post(t, c, a.URL+form, data)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", st)
	}
	for _, f := range []string{"surname_0", "cf_0", "email", "phone"} {
		re := regexp.MustCompile(`id="` + f + `"[^>]*aria-invalid="true"`)
		if !re.MatchString(body) || !strings.Contains(body, `id="`+f+`-err"`) {
			t.Errorf("field %s not marked", f)
		}
	}
	for _, want := range []string{"ultimo carattere del codice fiscale", "indirizzo e-mail valido", "numero di telefono", "inserisca il cognome",
		`value="Mario"`, `value="RSSMRA80A01F205A"`, `value="mario.rossi@"`, `value="12"`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
	if regexp.MustCompile(`id="name_0"[^>]*aria-invalid`).MatchString(body) {
		t.Error("a correct name marked wrong")
	}
	if t.Failed() {
		t.Logf("%.4000s", body)
	}
}

// TestBookingTooManySaysTheWait: the 429 page tells the real wait of the limiter that
// refused (the per-codice-fiscale allowance of 10 an hour comes back one every 6
// minutes), not "a few minutes".
func TestBookingTooManySaysTheWait(t *testing.T) {
	a, _ := bookingApp(t)
	c := a.Client(t)
	_, times := freeTimes(t, a, "padova")
	_, form := citizenHold(t, a, "padova", times[0])
	data := url.Values{"name_0": {"Mario"}, "surname_0": {"Rossi"}, "cf_0": {validCF(t, "RSSMRA80A01F205")}, "email": {"x"}, "phone": {"333 1234567"}}
	var st int
	var body string
	var res *http.Response
	for i := 0; i < 11; i++ {
		st, body, res = post(t, c, a.URL+form, data)
	}
	if st != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "360" || !strings.Contains(body, "riprovi tra 6 minuti") || strings.Contains(body, "qualche minuto") {
		t.Fatalf("429: %d Retry-After %q %.2000s", st, res.Header.Get("Retry-After"), body)
	}
	if st, body, _ = post(t, c, a.URL+form+"?lang=en", data); st != http.StatusTooManyRequests || !strings.Contains(body, "try again in 6 minutes") {
		t.Fatalf("429 in English: %d %.2000s", st, body)
	}
}

func rome(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestBookingClerkPhoneCallerWithoutEmail: a clerk books a caller on the phone who has
// no e-mail address, with the telephone required instead; the per-e-mail cap does not
// count the empty address (which every unconfirmed hold also has).
func TestBookingClerkPhoneCallerWithoutEmail(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "bob", model.RoleOperator)
	op := a.Client(t)
	a.Login(t, op, "bob", pw)
	_, padova := freeTimes(t, a, "padova")
	for i := 0; i < 6 && i < len(padova); i++ { // citizens typing meanwhile: holds without e-mail yet
		citizenHold(t, a, "padova", padova[i])
	}
	day, _ := freeTimes(t, a, "sansovino")
	_, body, _ := get(t, op, a.URL+"/op/prenotazioni/nuova?ufficio=sansovino&servizio=cie-first&persone=1&giorno="+day)
	m := newTimeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no time in the clerk form %.800s", body)
	}
	form := url.Values{"ufficio": {"sansovino"}, "servizio": {"cie-first"}, "giorno": {day}, "persone": {"1"}, "inizio": {html.UnescapeString(m[1])},
		"name_0": {"Giuseppe"}, "surname_0": {"Verdi"}, "cf_0": {validCF(t, "VRDGPP70B12F205")}, "email": {""}, "phone": {""}}
	form.Set("cf_0", "VRDGPP70")
	st, body, _ := post(t, op, a.URL+"/op/prenotazioni/nuova", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "senza indirizzo e-mail serve un numero di telefono") || !strings.Contains(body, `value="Giuseppe"`) ||
		!strings.Contains(body, "il codice fiscale ha 16 caratteri") || !strings.Contains(body, `aria-describedby="phone-err"`) {
		t.Fatalf("neither e-mail nor telephone, and a short codice fiscale: both marked? %d %.3000s", st, body)
	}
	form.Set("cf_0", validCF(t, "VRDGPP70B12F205"))
	form.Set("phone", "02 1234567")
	st, body, res := post(t, op, a.URL+"/op/prenotazioni/nuova", form)
	if st != http.StatusSeeOther {
		t.Fatalf("phone caller without e-mail: %d %.1500s", st, body)
	}
	if st, body, _ = get(t, op, a.URL+res.Header.Get("Location")); st != 200 || !strings.Contains(body, "02 1234567") || !strings.Contains(body, "avvisi solo per telefono") {
		t.Fatalf("detail %d %.1500s", st, body)
	}
}

// TestBookingClosureCancelsWithNotice: closing a day that has confirmed bookings shows
// the clerk the list and changes nothing; only the explicit "close and cancel these N
// bookings" closes the day and cancels each booking with the cancellation e-mail.
func TestBookingClosureCancelsWithNotice(t *testing.T) {
	a, sink := bookingApp(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	admin := a.Client(t)
	a.Login(t, admin, "alice", pw)
	ctx := context.Background()
	day, times := freeTimes(t, a, "sansovino")
	var codes []string
	for i, cf := range []string{validCF(t, "VRDGPP70B12F205"), validCF(t, "BNCLCU75D45F205")} {
		_, form := citizenHold(t, a, "sansovino", times[i])
		b, err := a.Web.Booking.Confirm(ctx, strings.TrimPrefix(form, "/prenota/dati/"), []booking.Person{{Name: "Anna", Surname: "Verdi", CF: cf}},
			booking.Contact{Email: "citizen" + strconv.Itoa(i) + "@example.it", Phone: "02 1234567"})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, b.Code)
	}
	sink.Wait(t, 2, 15*time.Second) // the two confirmations
	st, body, _ := post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/closure-add", url.Values{"day": {day}, "note": {"sciopero"}})
	if st != http.StatusConflict || strings.Count(body, `data-testid="closure-booking"`) != 2 || !strings.Contains(body, codes[0]) || !strings.Contains(body, codes[1]) ||
		!strings.Contains(body, "annulla queste 2 prenotazioni, avvisando i cittadini") {
		t.Fatalf("closure of a day with bookings: %d %.3000s", st, body)
	}
	if cl, _ := a.Store.Closures(ctx, mustOffice(t, a, "sansovino"), day, day); len(cl) != 0 {
		t.Fatal("the day was closed without the clerk's confirmation")
	}
	ids := regexp.MustCompile(`name="cancel" value="(\d+)"`).FindAllStringSubmatch(body, -1)
	confirm := url.Values{"day": {day}, "note": {"sciopero"}}
	for _, m := range ids {
		confirm.Add("cancel", m[1])
	}
	// A list that is not the current one (one booking left out) is shown again.
	partial := url.Values{"day": {day}, "note": {"sciopero"}, "cancel": {ids[0][1]}}
	if st, _, _ = post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/closure-add", partial); st != http.StatusConflict {
		t.Fatalf("partial confirmation: %d, want 409", st)
	}
	st, body, res := post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/closure-add", confirm)
	if st != http.StatusSeeOther {
		t.Fatalf("confirmed closure: %d %.2000s", st, body)
	}
	if _, body, _ = get(t, admin, a.URL+res.Header.Get("Location")); !strings.Contains(body, `data-testid="closure-done"`) || !strings.Contains(body, "sciopero") {
		t.Fatalf("setup page after closure %.2000s", body)
	}
	for _, code := range codes {
		b, err := a.Store.BookingByCode(ctx, code)
		if err != nil || b.State != booking.StateCancelled {
			t.Fatalf("booking %s after closure: %+v %v", code, b, err)
		}
	}
	msgs := sink.Wait(t, 4, 15*time.Second)
	to := map[string]bool{}
	for _, m := range msgs[2:] {
		p, err := smtptest.Parse(m.Raw)
		if err != nil || !strings.HasPrefix(p.Subject, "Prenotazione annullata") {
			t.Fatalf("notice %q %v", p.Subject, err)
		}
		to[m.To[0]] = true
	}
	if !to["citizen0@example.it"] || !to["citizen1@example.it"] {
		t.Fatalf("notices went to %v", to)
	}
	if _, body, _ = get(t, a.Client(t), a.URL+"/prenota/servizio/cie-first/ufficio/sansovino?mese="+day[:7]); strings.Contains(body, `data-day="`+day+`"`) {
		t.Fatal("closed day still offered")
	}
}

func mustOffice(t *testing.T, a *apptest.App, code string) int64 {
	t.Helper()
	o, err := a.Store.OfficeByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
