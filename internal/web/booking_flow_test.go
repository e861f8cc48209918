package web_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
)

// bookingApp starts the app with e-mail going to a real SMTP sink on loopback.
func bookingApp(t *testing.T) (*apptest.App, *smtptest.Sink) {
	t.Helper()
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	return a, sink
}

func get(t *testing.T, c *http.Client, u string) (int, string, *http.Response) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, *http.Response) {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

var (
	dayRE  = regexp.MustCompile(`data-day="(\d{4}-\d\d-\d\d)"`)
	timeRE = regexp.MustCompile(`name="inizio" id="t\d+" value="([^"]+)"`)
	linkRE = regexp.MustCompile(`https?://[^\s]+/prenota/gestisci/[A-Za-z0-9._-]+`)
)

// firstFree opens a calendar page and returns the first free day and its times.
func firstFree(t *testing.T, c *http.Client, base, path string) (string, []string) {
	t.Helper()
	st, body, _ := get(t, c, base+path)
	if st != 200 {
		t.Fatalf("calendar: %d", st)
	}
	m := dayRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no free day in %.500s", body)
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	_, body, _ = get(t, c, base+path+sep+"giorno="+m[1])
	var times []string
	for _, tm := range timeRE.FindAllStringSubmatch(body, -1) {
		times = append(times, html.UnescapeString(tm[1]))
	}
	if len(times) == 0 {
		t.Fatalf("no times on %s", m[1])
	}
	return m[1], times
}

// TestBookingCitizenFlow walks the whole citizen flow through plain HTML forms (as a
// browser without JavaScript would): service, office, calendar, hold, data with a
// wrong codice fiscale (kept input, clear message), confirmation e-mail with ICS and
// signed link, move, cancel, and a tampered link.
func TestBookingCitizenFlow(t *testing.T) {
	a, sink := bookingApp(t)
	c := a.Client(t)
	a.Run(t, []apptest.Scenario{
		{Name: "landing links to booking", Path: "/", Status: 200, Contain: []string{`href="/prenota"`}},
		{Name: "services", Path: "/prenota", Status: 200, Contain: []string{"prima emissione", "/prenota/servizio/cie-first"}},
		{Name: "offices with address and map", Path: "/prenota/servizio/cie-first", Status: 200, Contain: []string{"Via Larga 12", "openstreetmap.org", "/prenota/servizio/cie-first/ufficio/larga"}},
		{Name: "unknown service", Path: "/prenota/servizio/nope", Status: 404},
		{Name: "calendar in English", Path: "/prenota/servizio/cie-first/ufficio/larga?lang=en", Status: 200, Contain: []string{"Choose day and time", "How many people of the household?", `lang="en"`}},
		{Name: "unknown office", Path: "/prenota/servizio/cie-first/ufficio/nope", Status: 404, Contain: []string{"ufficio inesistente"}},
	})
	cal := "/prenota/servizio/cie-first/ufficio/padova"
	day, times := firstFree(t, c, a.URL, cal)
	hold := url.Values{"servizio": {"cie-first"}, "ufficio": {"padova"}, "persone": {"1"}, "modo": {"consecutive"}, "giorno": {day}, "inizio": {times[0]}}
	st, body, res := post(t, c, a.URL+"/prenota/trattieni", hold)
	if st != http.StatusSeeOther {
		t.Fatalf("hold: %d %.500s", st, body)
	}
	form := res.Header.Get("Location")
	if !strings.HasPrefix(form, "/prenota/dati/") {
		t.Fatalf("hold redirect %q", form)
	}
	if st, body, _ = get(t, c, a.URL+form); st != 200 || !strings.Contains(body, `name="cf_0"`) {
		t.Fatalf("data form %d", st)
	}
	data := url.Values{"name_0": {"Mario"}, "surname_0": {"Rossi"}, "cf_0": {"RSSMRA80A01F205A"}, "email": {"mario.rossi@example.it"}, "phone": {"+39 333 1234567"}}
	st, body, _ = post(t, c, a.URL+form, data)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "ultimo carattere del codice fiscale") || !strings.Contains(body, `value="mario.rossi@example.it"`) || !strings.Contains(body, `value="RSSMRA80A01F205A"`) {
		t.Fatalf("bad codice fiscale: %d %.3000s", st, body)
	}
	data.Set("cf_0", validCF(t, "RSSMRA80A01F205"))
	st, body, res = post(t, c, a.URL+form, data)
	if st != http.StatusSeeOther {
		t.Fatalf("confirm: %d %.1500s", st, body)
	}
	manage := res.Header.Get("Location")
	if st, body, _ = get(t, c, a.URL+manage); st != 200 || !strings.Contains(body, `data-testid="booking-done"`) || !strings.Contains(body, "RSSMRA**********") {
		t.Fatalf("manage page %d %.1500s", st, body)
	}
	msgs := sink.Wait(t, 1, 15*time.Second)
	p, err := smtptest.Parse(msgs[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].To[0] != "mario.rossi@example.it" || !strings.HasPrefix(p.Subject, "Prenotazione confermata") {
		t.Fatalf("mail to %v subject %q", msgs[0].To, p.Subject)
	}
	if len(p.Attachments) != 1 || !strings.Contains(string(p.Attachments[0].Data), "BEGIN:VEVENT") || !strings.Contains(string(p.Attachments[0].Data), "Via Padova 118") {
		t.Fatalf("ICS attachment %+v", p.Attachments)
	}
	link := linkRE.FindString(p.Text)
	if link == "" {
		t.Fatalf("no manage link in %q", p.Text)
	}
	u, _ := url.Parse(link)
	if st, _, _ = get(t, c, a.URL+u.Path); st != 200 {
		t.Fatalf("link from e-mail: %d", st)
	}
	// Move to another time of the same day.
	_, moveTimes := firstFree(t, c, a.URL, u.Path+"/sposta?mese="+day[:7])
	var to string
	for _, tm := range moveTimes {
		if tm != times[0] {
			to = tm
			break
		}
	}
	st, body, res = post(t, c, a.URL+u.Path+"/sposta", url.Values{"inizio": {to}})
	if st != http.StatusSeeOther {
		t.Fatalf("move: %d %.1000s", st, body)
	}
	moved := strings.TrimSuffix(res.Header.Get("Location"), "?spostata=1")
	if st, _, _ = get(t, c, a.URL+u.Path); st != http.StatusUnauthorized {
		t.Fatalf("old link after move: %d, want 401", st)
	}
	sink.Wait(t, 2, 15*time.Second)
	// Tampered link: one character in the middle of the signature is changed, always to
	// a different one. Overwriting the last characters with fixed ones could leave the
	// link as it was (they may already be those) or, were the signature decoded, change
	// only base64's unused bits.
	if st, body, _ = get(t, c, a.URL+tamperMiddle(t, moved)); st != http.StatusUnauthorized || !strings.Contains(body, "non è valido") {
		t.Fatalf("tampered link: %d", st)
	}
	st, body, _ = post(t, c, a.URL+moved+"/annulla", nil)
	if st != 200 || !strings.Contains(body, `data-testid="booking-cancelled"`) {
		t.Fatalf("cancel: %d %.500s", st, body)
	}
	if tok := strings.TrimPrefix(moved, "/prenota/gestisci/"); strings.Contains(a.Log.String(), tok) || strings.Contains(a.Log.String(), strings.TrimPrefix(form, "/prenota/dati/")) {
		t.Error("a signed link reached the request log")
	}
	if !strings.Contains(a.Log.String(), `/prenota/gestisci/{token}/annulla`) {
		t.Error("request not logged by its route")
	}
	if strings.Contains(a.Log.String(), "mario.rossi@example.it") {
		t.Error("an e-mail address reached the log")
	}
	msgs = sink.Wait(t, 3, 15*time.Second)
	if p, _ := smtptest.Parse(msgs[2].Raw); !strings.HasPrefix(p.Subject, "Prenotazione annullata") || !strings.Contains(string(p.Attachments[0].Data), "METHOD:CANCEL") {
		t.Fatalf("cancel mail %q", p.Subject)
	}
}

// validCF completes a 15-character base with its check character.
func validCF(t *testing.T, base string) string {
	for c := 'A'; c <= 'Z'; c++ {
		cf := base + string(c)
		if cfValid(cf) {
			return cf
		}
	}
	t.Fatalf("no check character for %s", base)
	return ""
}

// tamperMiddle changes one character in the middle of a signed link's signature (the
// part after its last dot) to another base64url character, so the link surely differs
// and still has a well-formed shape.
func tamperMiddle(t *testing.T, link string) string {
	t.Helper()
	dot := strings.LastIndexByte(link, '.')
	if dot < 0 || len(link)-dot < 8 {
		t.Fatalf("no signature in %q", link)
	}
	mid, swap := dot+1+(len(link)-dot-1)/2, byte('A')
	if link[mid] == 'A' {
		swap = 'B'
	}
	return link[:mid] + string(swap) + link[mid+1:]
}
