package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
)

// TestUnknownPathsItalianErrorPage: a path no route takes, in the operator area
// (logged in or not, any method) or the citizen pages, gets the project's error page
// in Italian (English on request), not the bare "404 page not found" nor an English
// message in an Italian page; under /api/ it stays a JSON error.
func TestUnknownPathsItalianErrorPage(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	admin := a.Client(t)
	a.Login(t, admin, "alice", pw)
	italian := []string{`lang="it"`, `data-testid="error-page"`, "Pagina non trovata (404)", "la pagina richiesta non esiste", "Torna alla pagina iniziale"}
	english := []string{"page not found", "Page not found", "404 page not found"}
	var sc []apptest.Scenario
	for _, p := range []string{"/op/nope", "/op/campaign/nope", "/op/users/1/nope", "/op/agenda/x/y", "/prenota/nope", "/campagna/nope", "/nope"} {
		sc = append(sc,
			apptest.Scenario{Name: "GET " + p, Path: p, As: admin, Status: 404, Contain: italian, Absent: english},
			apptest.Scenario{Name: "POST " + p, Method: "POST", Path: p, As: admin, Status: 404, Contain: italian, Absent: english},
			apptest.Scenario{Name: "anonymous " + p, Path: p, Status: 404, Contain: italian, Absent: english})
	}
	sc = append(sc,
		apptest.Scenario{Name: "english on request", Path: "/op/nope?lang=en", As: admin, Status: 404,
			Contain: []string{`lang="en"`, "Page not found (404)", "page not found"}, Absent: []string{"Pagina non trovata"}},
		apptest.Scenario{Name: "api stays JSON", Path: "/api/v1/nope", As: admin, Status: 404, Check: func(t *testing.T, res *http.Response, body string) {
			var v struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error.Code != "not_found" || v.Error.Message != "page not found" {
				t.Errorf("body %q: %v", body, err)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
		}})
	a.Run(t, sc)
}
