package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
)

func TestLoginRedirectStaysOnSite(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleOperator)
	for _, next := range []string{"//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example/", "/\n/evil.example", "/%09/evil.example", "/op/offices?x=1"} {
		c := a.Client(t)
		res, err := c.PostForm(a.URL+"/login", url.Values{"username": {"alice"}, "password": {pw}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		want := "/op/"
		if next == "/op/offices?x=1" || next == "/%09/evil.example" {
			want = next // harmless local paths are kept
		}
		if res.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("next=%q: Location %q, want %q", next, loc, want)
		}
	}
}

// Colleagues behind one office NAT: wrong passwords from one do not lock out the others
// for good, and successful logins do not use up the shared budget.
func TestSharedAddressSuccessfulLoginsDoNotCount(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleOperator)
	for i := 0; i < 20; i++ {
		a.Login(t, a.Client(t), "alice", pw)
	}
	res, err := http.PostForm(a.URL+"/login", url.Values{"username": {"bob"}, "password": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after 20 good logins a wrong one got %d, want 401", res.StatusCode)
	}
}

func TestRetryAfterIsTimeToNextAttempt(t *testing.T) {
	a := apptest.New(t)
	var res *http.Response
	for i := 0; i < 11; i++ {
		var err error
		res, err = http.PostForm(a.URL+"/login", url.Values{"username": {"u" + string(rune('a'+i))}, "password": {"x"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// 10 per 15 minutes refill one every 90 s (less the seconds the test took), not
	// the 900 s until the bucket is full.
	ra, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != 429 || ra < 60 || ra > 90 {
		t.Errorf("status %d, Retry-After %q, want 429 and about 90", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func TestTrustedProxyHeader(t *testing.T) {
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.TrustedProxies = "127.0.0.1/32" }})
	// Each request claims another client behind the proxy: each has its own budget.
	for i := 0; i < 15; i++ {
		req, _ := http.NewRequest("POST", a.URL+"/login", strings.NewReader("username=x&password=y"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.7, 198.51.100."+string(rune('1'+i%9))+string(rune('0'+i/9)))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests && i < 10 {
			t.Fatalf("request %d limited although the clients differ", i)
		}
	}
	entries, err := a.Store.ListAudit(t.Context(), storeAuditAll())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == "user.login_failed" && !strings.HasPrefix(e.IP, "198.51.100.") {
			t.Errorf("audit IP %q: want the client behind the proxy, not the proxy or the spoofable first hop", e.IP)
		}
	}
}

func TestLogsAndMetricsUseRoutesNotPaths(t *testing.T) {
	a := apptest.New(t)
	for _, p := range []string{"/badge/SECRET-TOKEN-123", "/healthz", "/nope/SECRET-TOKEN-456"} {
		res, err := http.Get(a.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	res, err := http.Get(a.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `route="GET /healthz"`) || !strings.Contains(string(b), `route="GET /badge/{code}"`) {
		t.Errorf("metrics lack route labels:\n%s", grepLines(string(b), "sportello_http_requests_total"))
	}
	time.Sleep(50 * time.Millisecond)
	if logs := a.Log.String(); strings.Contains(logs, "SECRET-TOKEN") {
		t.Errorf("a token from the path reached the log:\n%s", grepLines(logs, "SECRET-TOKEN"))
	}
}

func TestDatesInTheComunesTimeZone(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	c := a.Client(t)
	a.Login(t, c, "alice", pw)
	res, err := c.Get(a.URL + "/op/audit")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	rome, _ := time.LoadLocation("Europe/Rome")
	entries, _ := a.Store.ListAudit(t.Context(), storeAuditAll())
	want := entries[0].At.In(rome).Format("02/01/2006 15:04")
	if !strings.Contains(string(b), want) {
		t.Errorf("audit page lacks the Rome time %s", want)
	}
}

func TestLanguageLinkStaysOnPage(t *testing.T) {
	a := apptest.New(t)
	res, err := http.Get(a.URL + "/%2Fevil.example")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(b), `href="//evil.example`) || !strings.Contains(string(b), `href="?lang=en"`) {
		t.Errorf("language link: %s", grepLines(string(b), "lang="))
	}
}

func TestFailedLoginAuditHasNoTypedName(t *testing.T) {
	a := apptest.New(t)
	res, err := http.PostForm(a.URL+"/login", url.Values{"username": {"hunter2-my-password"}, "password": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	entries, _ := a.Store.ListAudit(t.Context(), storeAuditAll())
	for _, e := range entries {
		if strings.Contains(e.Object+e.Detail, "hunter2") {
			t.Errorf("typed username in the audit log: %+v", e)
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
