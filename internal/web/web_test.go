package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
)

func TestPagesAndRoles(t *testing.T) {
	a := apptest.New(t)
	adminPW := a.CreateUser(t, "alice", model.RoleAdmin)
	opPW := a.CreateUser(t, "bob", model.RoleOperator)
	admin := a.Client(t)
	a.Login(t, admin, "alice", adminPW)
	op := a.Client(t)
	a.Login(t, op, "bob", opPW)

	a.Run(t, []apptest.Scenario{
		{Name: "landing is public and Italian", Path: "/", Status: 200, Contain: []string{"Carta d&#39;identità elettronica", "bootstrap-italia.min.css", `lang="it"`}},
		{Name: "english switch", Path: "/?lang=en", Status: 200, Contain: []string{"Electronic identity card", `lang="en"`}},
		{Name: "operator area needs login", Path: "/op/", Status: 303, Check: func(t *testing.T, res *http.Response, _ string) {
			if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("redirect to %q", loc)
			}
		}},
		{Name: "operator home", Path: "/op/", As: op, Status: 200, Contain: []string{`data-testid="op-home"`, "bob (operator)"}},
		{Name: "operator sees offices", Path: "/op/offices", As: op, Status: 200, Contain: []string{"Via Larga 12", "Via Padova 118", "08:30–15:30"}},
		{Name: "operator cannot manage users", Path: "/op/users", As: op, Status: 403},
		{Name: "operator cannot create users", Method: "POST", Path: "/op/users", Body: "username=mallory&role=admin", As: op, Status: 403},
		{Name: "admin sees users", Path: "/op/users", As: admin, Status: 200, Contain: []string{"alice", "bob"}},
		{Name: "admin creates user", Method: "POST", Path: "/op/users", Body: "username=carla&display_name=Carla+Rossi&role=operator", As: admin, Status: 201, Contain: []string{`data-testid="new-password"`, "carla"}},
		{Name: "duplicate username keeps input", Method: "POST", Path: "/op/users", Body: "username=carla&display_name=Another&role=operator", As: admin, Status: 409, Contain: []string{"Nome utente già in uso", `value="Another"`}},
		{Name: "invalid username", Method: "POST", Path: "/op/users", Body: "username=x&role=operator", As: admin, Status: 422, Contain: []string{"is-invalid"}},
		{Name: "cross-origin POST refused", Method: "POST", Path: "/op/users", Body: "username=evil&role=admin", As: admin,
			Header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, Status: 403},
		{Name: "audit log lists actions", Path: "/op/audit", As: admin, Status: 200, Contain: []string{"user.create", "user.login"}},
		{Name: "unknown page", Path: "/nope", Status: 404},
		{Name: "api error is JSON", Path: "/api/v1/nope", Status: 404, Check: func(t *testing.T, res *http.Response, body string) {
			var v struct{ Error struct{ Code string } }
			if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error.Code != "not_found" {
				t.Errorf("body %q: %v", body, err)
			}
		}},
		{Name: "public offices API", Path: "/api/v1/offices", Status: 200, Contain: []string{`"code": "larga"`}},
		{Name: "healthz", Path: "/healthz", Status: 200},
		{Name: "readyz", Path: "/readyz", Status: 200, Contain: []string{`"status": "ready"`}},
		{Name: "metrics", Path: "/metrics", Status: 200, Contain: []string{"sportello_http_requests_total", "go_goroutines"}},
		{Name: "security headers", Path: "/", Status: 200, Check: func(t *testing.T, res *http.Response, _ string) {
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
		}},
	})
}

func TestOpenAPIDocument(t *testing.T) {
	a := apptest.New(t)
	res, err := http.Get(a.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	for _, p := range []string{"/healthz", "/readyz", "/api/v1/offices"} {
		if _, ok := doc.Paths[p]["get"]; !ok {
			t.Errorf("path %s missing", p)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	a := apptest.New(t)
	a.CreateUser(t, "alice", model.RoleAdmin)
	c := a.Client(t)
	var last *http.Response
	for i := 0; i < 11; i++ {
		res, err := c.PostForm(a.URL+"/login", url.Values{"username": {"alice"}, "password": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if i < 10 && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, res.StatusCode)
		}
		if res.Header.Get("X-RateLimit-Limit") != "10" {
			t.Fatalf("attempt %d: X-RateLimit-Limit %q", i+1, res.Header.Get("X-RateLimit-Limit"))
		}
		last = res
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: status %d, want 429", last.StatusCode)
	}
	if last.Header.Get("X-RateLimit-Remaining") != "0" || last.Header.Get("X-RateLimit-Reset") == "" || last.Header.Get("Retry-After") == "" {
		t.Errorf("headers %v", last.Header)
	}
}

func TestLoginFailureKeepsUsernameAndLogoutEndsSession(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleOperator)
	c := a.Client(t)
	a.Run(t, []apptest.Scenario{
		{Name: "wrong password", Method: "POST", Path: "/login", Body: "username=alice&password=nope", As: c, Status: 401, Contain: []string{`value="alice"`, "non corretti"}},
		{Name: "unknown user same answer", Method: "POST", Path: "/login", Body: "username=ghost&password=nope", As: c, Status: 401, Contain: []string{"non corretti"}},
		{Name: "open redirect refused", Method: "POST", Path: "/login", Body: "username=alice&password=" + url.QueryEscape(pw) + "&next=//evil.example", As: c, Status: 303,
			Check: func(t *testing.T, res *http.Response, _ string) {
				if loc := res.Header.Get("Location"); loc != "/op/" {
					t.Errorf("Location %q", loc)
				}
			}},
		{Name: "logged in", Path: "/op/", As: c, Status: 200},
		{Name: "logout", Method: "POST", Path: "/logout", As: c, Status: 303},
		{Name: "session gone", Path: "/op/", As: c, Status: 303},
	})
}

func TestDisablingAUserEndsItsSessions(t *testing.T) {
	a := apptest.New(t)
	adminPW := a.CreateUser(t, "alice", model.RoleAdmin)
	opPW := a.CreateUser(t, "bob", model.RoleOperator)
	admin, op := a.Client(t), a.Client(t)
	a.Login(t, admin, "alice", adminPW)
	a.Login(t, op, "bob", opPW)
	bob, err := a.Store.UserByUsername(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	alice, err := a.Store.UserByUsername(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	a.Run(t, []apptest.Scenario{
		{Name: "bob works", Path: "/op/", As: op, Status: 200},
		{Name: "admin disables bob", Method: "POST", Path: "/op/users/" + itoa(bob.ID) + "/disable", As: admin, Status: 303},
		{Name: "bob is out", Path: "/op/", As: op, Status: 303},
		{Name: "bob cannot log in", Method: "POST", Path: "/login", Body: "username=bob&password=" + url.QueryEscape(opPW), Status: 401},
		{Name: "admin cannot disable self", Method: "POST", Path: "/op/users/" + itoa(alice.ID) + "/disable", As: admin, Status: 422},
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
