package apptest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Scenario is one HTTP request against the running app and what must come back.
type Scenario struct {
	Name    string
	Method  string
	Path    string
	Body    string // form-encoded unless Header sets a Content-Type
	Header  map[string]string
	As      *http.Client // a logged-in client; nil means anonymous
	Status  int
	Contain []string // substrings the body must contain
	Absent  []string // substrings the body must not contain
	Check   func(t *testing.T, res *http.Response, body string)
}

// Run executes scenarios as subtests.
func (a *App) Run(t *testing.T, scenarios []Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			c := sc.As
			if c == nil {
				c = a.Client(t)
			}
			method := sc.Method
			if method == "" {
				method = http.MethodGet
			}
			var body io.Reader
			if sc.Body != "" {
				body = strings.NewReader(sc.Body)
			}
			req, err := http.NewRequest(method, a.URL+sc.Path, body)
			must(t, err)
			if sc.Body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			for k, v := range sc.Header {
				req.Header.Set(k, v)
			}
			res, err := c.Do(req)
			must(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			must(t, err)
			text := string(b)
			if sc.Status != 0 && res.StatusCode != sc.Status {
				t.Fatalf("%s %s: status %d, want %d; body: %.400s", method, sc.Path, res.StatusCode, sc.Status, text)
			}
			for _, s := range sc.Contain {
				if !strings.Contains(text, s) {
					t.Errorf("%s %s: body lacks %q; body: %.600s", method, sc.Path, s, text)
				}
			}
			for _, s := range sc.Absent {
				if strings.Contains(text, s) {
					t.Errorf("%s %s: body contains %q", method, sc.Path, s)
				}
			}
			if sc.Check != nil {
				sc.Check(t, res, text)
			}
		})
	}
}
