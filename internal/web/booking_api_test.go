package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	altcha "github.com/altcha-org/altcha-lib-go"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/captcha"
	"github.com/sportello/sportello/internal/mail/smtptest"
)

func apiJSON(t *testing.T, c *http.Client, method, u string, in any, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// solved fetches a challenge through the API and solves it as the widget would.
func solved(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	var ch altcha.Challenge
	if st := apiJSON(t, c, "GET", base+"/api/v1/booking/captcha", nil, &ch); st != 200 {
		t.Fatalf("captcha: %d", st)
	}
	p, err := captcha.Solve(ch)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type availability struct {
	Days []struct {
		Date  string   `json:"date"`
		Times []string `json:"times"`
	} `json:"days"`
}

// TestBookingRaceHTTP: 500 clients race through the real HTTP API, each with its own
// solved proof-of-work, for one slot of the Via Padova office (4 counters): exactly 4
// holds succeed and every other client gets 409.
func TestBookingRaceHTTP(t *testing.T) {
	a := apptest.New(t)
	a.Web.Captcha.MaxNumber = 500 // cheap to solve 500 times; the check is the same
	a.Web.BookingLimits.Write.Burst = 1_000_000
	a.Web.BookingLimits.Read.Burst = 1_000_000
	c := a.Client(t)
	var av availability
	if st := apiJSON(t, c, "GET", a.URL+"/api/v1/booking/availability?office=padova&service=cie-first", nil, &av); st != 200 || len(av.Days) == 0 {
		t.Fatalf("availability %d %+v", st, av)
	}
	start := av.Days[0].Times[0]
	const racers = 500
	payloads := make([]string, racers)
	for i := range payloads {
		payloads[i] = solved(t, c, a.URL)
	}
	var created, conflict atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			st := apiJSON(t, &http.Client{}, "POST", a.URL+"/api/v1/booking/holds", map[string]any{
				"office": "padova", "service": "cie-first", "start": start, "people": 1, "altcha": payloads[i]}, nil)
			switch st {
			case http.StatusCreated:
				created.Add(1)
			case http.StatusConflict:
				conflict.Add(1)
			default:
				t.Errorf("status %d", st)
			}
		}()
	}
	close(gate)
	wg.Wait()
	if created.Load() != 4 || conflict.Load() != racers-4 {
		t.Fatalf("created %d, conflict %d; want 4 and %d", created.Load(), conflict.Load(), racers-4)
	}
	_, metrics, _ := get(t, c, a.URL+"/metrics")
	for _, want := range []string{`sportello_booking_events_total{event="hold"} 4`, fmt.Sprintf(`sportello_booking_events_total{event="slot_taken"} %d`, racers-4)} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var after availability
	apiJSON(t, c, "GET", a.URL+"/api/v1/booking/availability?office=padova&service=cie-first&from="+av.Days[0].Date+"&to="+av.Days[0].Date, nil, &after)
	for _, d := range after.Days {
		for _, tm := range d.Times {
			if tm == start {
				t.Fatal("full slot still offered")
			}
		}
	}
}

func TestBookingAPI(t *testing.T) {
	a, sink := bookingApp(t)
	a.Web.Captcha.MaxNumber = 500
	c := a.Client(t)
	var av availability
	apiJSON(t, c, "GET", a.URL+"/api/v1/booking/availability?office=larga&service=cie-renewal&people=2&mode=parallel", nil, &av)
	if len(av.Days) == 0 {
		t.Fatal("no availability")
	}
	start := av.Days[0].Times[0]
	hold := map[string]any{"office": "larga", "service": "cie-renewal", "start": start, "people": 2, "mode": "parallel", "lang": "en"}
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/holds", hold, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("hold without proof-of-work: %d", st)
	}
	hold["altcha"] = solved(t, c, a.URL)
	var h struct {
		HoldToken string `json:"hold_token"`
		State     string `json:"state"`
	}
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/holds", hold, &h); st != http.StatusCreated || h.State != "held" {
		t.Fatalf("hold: %d %+v", st, h)
	}
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/holds", hold, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("replayed proof-of-work: %d", st)
	}
	confirm := map[string]any{"email": "jane@example.org", "phone": "+44 20 7946 0000", "lang": "en",
		"persons": []map[string]string{{"name": "Jane", "surname": "Doe", "codice_fiscale": validCF(t, "DOEJNA85M41Z114")}, {"name": "John", "surname": "Doe", "codice_fiscale": validCF(t, "DOEJHN83C12Z114")}}}
	var b struct {
		Reference   string `json:"reference"`
		ManageToken string `json:"manage_token"`
		People      int    `json:"people"`
		Persons     []struct {
			CF string `json:"codice_fiscale"`
		} `json:"persons"`
	}
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/holds/"+h.HoldToken+"/confirm", confirm, &b); st != http.StatusCreated || b.ManageToken == "" || b.People != 2 {
		t.Fatalf("confirm: %d %+v", st, b)
	}
	if !strings.HasSuffix(b.Persons[0].CF, "**********") {
		t.Errorf("codice fiscale not masked: %q", b.Persons[0].CF)
	}
	msgs := sink.Wait(t, 1, 15*time.Second)
	if p, err := smtptest.Parse(msgs[0].Raw); err != nil || !strings.HasPrefix(p.Subject, "Booking confirmed") || !strings.Contains(p.Text, "Jane Doe") {
		t.Errorf("English confirmation expected: %v", err)
	}
	var moved struct {
		ManageToken string `json:"manage_token"`
		Start       string `json:"start"`
	}
	newStart := av.Days[0].Times[1]
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/bookings/"+b.ManageToken+"/move", map[string]string{"start": newStart}, &moved); st != 200 || moved.ManageToken == b.ManageToken {
		t.Fatalf("move: %d %+v", st, moved)
	}
	if st := apiJSON(t, c, "GET", a.URL+"/api/v1/booking/bookings/"+b.ManageToken, nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("old token after move: %d", st)
	}
	var cancelled struct{ State string }
	if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/bookings/"+moved.ManageToken+"/cancel", nil, &cancelled); st != 200 || cancelled.State != "cancelled" {
		t.Fatalf("cancel: %d %+v", st, cancelled)
	}
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	apiJSON(t, c, "GET", a.URL+"/api/openapi.json", nil, &doc)
	for _, p := range []string{"/api/v1/booking/availability", "/api/v1/booking/holds", "/api/v1/booking/holds/{token}/confirm", "/api/v1/booking/bookings/{token}/cancel", "/api/v1/booking/bookings/{token}/move"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
	a.Run(t, []apptest.Scenario{
		{Name: "unknown office", Path: "/api/v1/booking/availability?office=nope&service=cie-first", Status: 404},
		{Name: "bad date", Path: "/api/v1/booking/availability?office=larga&service=cie-first&from=23/11/2026", Status: 422},
		{Name: "bad people", Path: "/api/v1/booking/availability?office=larga&service=cie-first&people=9", Status: 422},
		{Name: "bad JSON", Method: "POST", Path: "/api/v1/booking/holds", Body: "{", Header: map[string]string{"Content-Type": "application/json"}, Status: 422},
		{Name: "services", Path: "/api/v1/booking/services", Status: 200, Contain: []string{`"code": "cie-loss"`}},
	})
}

// TestBookingRateLimit: the per-client write limit answers 429 with X-RateLimit-*.
func TestBookingRateLimit(t *testing.T) {
	a := apptest.New(t)
	a.Web.BookingLimits.Write.Burst = 2
	c := a.Client(t)
	var last *http.Response
	for i := 0; i < 3; i++ {
		res, err := c.Post(a.URL+"/api/v1/booking/holds", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("X-RateLimit-Limit") != "2" || last.Header.Get("X-RateLimit-Remaining") != "0" || last.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d headers %v", last.StatusCode, last.Header)
	}
}
