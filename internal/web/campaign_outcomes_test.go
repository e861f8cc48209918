package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

func outcomesUpload(t *testing.T, a *apptest.App, c *http.Client, body string, want int) string {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("outcomes", "esiti.csv")
	io.WriteString(fw, body)
	mw.Close()
	req, _ := http.NewRequest("POST", a.URL+"/op/campagna/esiti", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	if want == http.StatusOK && res.StatusCode == http.StatusSeeOther {
		return campaignGet(t, c, a.URL+res.Header.Get("Location"), http.StatusOK)
	}
	if res.StatusCode != want {
		t.Fatalf("upload: %d, want %d\n%s", res.StatusCode, want, page)
	}
	return string(page)
}

// TestCampaignOutcomesByClerk: a registry clerk (operator) records outcomes, one
// citizen or a list, while the campaign's admin pages stay closed to them. A list
// with bad lines records nothing and names each line; the clean list records all,
// ends the open proposals, and is audited; the same list again changes nothing.
func TestCampaignOutcomesByClerk(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	ps := sentCampaign(t, a, 30)
	ctx := context.Background()
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	campaignGet(t, clerk, a.URL+"/op/campagna", http.StatusForbidden)
	campaignPost(t, clerk, a.URL+"/op/campagna/piano", "", http.StatusForbidden)
	if p := campaignGet(t, clerk, a.URL+"/op/campagna/esiti", http.StatusOK); !strings.Contains(p, `action="/op/campagna/esiti"`) {
		t.Fatalf("outcomes page:\n%s", p)
	}

	campaignPost(t, clerk, a.URL+"/op/campagna/esiti/cittadino", "cf="+strings.ToLower(ps[0].CF)+"&state=deceased", http.StatusSeeOther)
	if c, _ := a.Store.CampaignCitizen(ctx, ps[0].CF); c.State != store.CitizenDeceased {
		t.Fatalf("one outcome: state %q", c.State)
	}
	campaignPost(t, clerk, a.URL+"/op/campagna/esiti/cittadino", "cf=RSSMRA80A01F205X&state=deceased", http.StatusNotFound)

	bad := "codice_fiscale;esito;data\n" + ps[1].CF + ";emigrato;2026-01-02\nRSSMRA80A01F205X;deceduto\n" + ps[2].CF + ";partito\n" + ps[1].CF + ";deceduto\n" + ps[3].CF + ";irreperibile;31/02/2026\n"
	page := outcomesUpload(t, a, clerk, bad, http.StatusUnprocessableEntity)
	for _, want := range []string{"<td>4</td><td>esito &#34;partito&#34; sconosciuto", "<td>5</td><td>codice fiscale già alla riga 2", "<td>6</td><td>data &#34;31/02/2026&#34; non valida"} {
		if !strings.Contains(page, want) {
			t.Fatalf("bad list page lacks %q:\n%s", want, page)
		}
	}
	if c, _ := a.Store.CampaignCitizen(ctx, ps[1].CF); c.State != store.CitizenProposed {
		t.Fatalf("a bad list changed a citizen: %q", c.State)
	}
	unknown := outcomesUpload(t, a, clerk, ps[1].CF+";emigrato\nRSSMRA80A01F205X;deceduto\n", http.StatusUnprocessableEntity)
	if !strings.Contains(unknown, "<td>2</td><td>codice fiscale non presente nella campagna") {
		t.Fatalf("unknown code page:\n%s", unknown)
	}

	good := ps[1].CF + ";emigrato;2026-01-02\n" + ps[2].CF + ";deceased\n" + ps[3].CF + ";irreperibile\n"
	if p := outcomesUpload(t, a, clerk, good, http.StatusOK); !strings.Contains(p, `<span data-testid="outcome-changed">3</span>`) {
		t.Fatalf("list page:\n%s", p)
	}
	for cf, want := range map[string]string{ps[1].CF: store.CitizenEmigrated, ps[2].CF: store.CitizenDeceased, ps[3].CF: store.CitizenUntraceable} {
		if c, _ := a.Store.CampaignCitizen(ctx, cf); c.State != want {
			t.Errorf("%s: %q, want %q", cf, c.State, want)
		}
		open, _ := a.Store.CampaignProposals(ctx, nil, `cf = ? AND state IN ('planned', 'proposed', 'confirmed')`, cf)
		if len(open) != 0 {
			t.Errorf("%s keeps %d open proposals", cf, len(open))
		}
	}
	var n int
	if err := a.Store.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.citizen_state'`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("audit entries for outcomes = %d %v, want 4", n, err)
	}
	if p := outcomesUpload(t, a, clerk, good, http.StatusOK); !strings.Contains(p, `<span data-testid="outcome-changed">0</span>`) {
		t.Fatalf("same list again:\n%s", p)
	}
}
