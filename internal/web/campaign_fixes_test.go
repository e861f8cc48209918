package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
)

// TestCampaignExportNeutralisesFormulas: register data reaches the comune's Excel
// through the exports; a cell starting with = + - @ must arrive as text, and names
// with accents must survive Excel's default code page (the byte-order mark).
func TestCampaignExportNeutralisesFormulas(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	evil := `=HYPERLINK("http://evil","x")`
	cs := []register.Citizen{{CF: "ZZZZZZ00A00Z000Z", FamilyName: "Zoë", GivenNames: "@Niccolò", Household: "h1", Address: evil,
		Postcode: "20121", Phone: "-1+1", CardType: "paper", Lat: 45.46, Lon: 9.19, Frail: true}}
	if _, err := a.Store.ImportCitizens(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	body := campaignGet(t, admin, a.URL+"/op/campagna/export/home-visits.csv", http.StatusOK)
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("no UTF-8 byte-order mark: %q", body[:min(len(body), 20)])
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	cr.Comma = ';' // Italian Excel's separator, the exports' default
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v:\n%s", len(rows), err, body)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	want := map[string]string{"address": "'" + evil, "given_names": "'@Niccolò", "phone": "'-1+1", "family_name": "Zoë", "postcode": "20121"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// the numbers the export computes itself stay numbers
	if p := campaignGet(t, admin, a.URL+"/op/campagna/export/states.csv", http.StatusOK); !strings.Contains(p, "\nnew;1\n") {
		t.Fatalf("states.csv:\n%s", p)
	}
}

// TestCampaignSettingsAllErrors: a form with several mistakes comes back with every
// error next to its field and what the admin typed still in place; nothing is saved.
func TestCampaignSettingsAllErrors(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	before, err := a.Store.CampaignSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"start": {"2020-01-06"}, "weeks": {"-3"}, "deadline": {"2026-01-01"}, "confirm_days": {"20"}, "reminder_days": {"10"},
		"share_pct": {"150"}, "minutes_per_app": {"20"}, "mail_per_minute": {"600"}, "postal_days": {"5"}, "paper_invalid_from": {""}}
	page := campaignPost(t, admin, a.URL+"/op/campagna/impostazioni", form.Encode(), http.StatusUnprocessableEntity)
	for _, want := range []string{
		`data-testid="start-err">l&#39;inizio non può essere nel passato<`,
		`data-testid="weeks-err">le settimane devono essere tra 1 e 104<`,
		`data-testid="deadline-err">la scadenza non può essere nel passato<`,
		`data-testid="share_pct-err">la quota deve essere tra 0 e 100 per cento<`,
		`id="start" name="start" value="2020-01-06"`, `id="weeks" name="weeks" value="-3"`,
		`id="deadline" name="deadline" value="2026-01-01"`, `id="share_pct" name="share_pct" value="150"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, ok := range []string{"confirm_days", "reminder_days", "minutes_per_app", "mail_per_minute", "postal_days"} {
		if strings.Contains(page, `data-testid="`+ok+`-err"`) {
			t.Errorf("error shown on the valid field %s", ok)
		}
	}
	if t.Failed() {
		t.Log(page)
	}
	after, err := a.Store.CampaignSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after.Weeks != before.Weeks || after.SharePct != before.SharePct || !after.Start.Equal(before.Start) {
		t.Fatalf("refused settings were saved: %+v", after)
	}

	// a start in the past is refused on its own too
	form.Set("weeks", "26")
	form.Set("share_pct", "50")
	form.Set("deadline", before.Deadline.Format("2006-01-02"))
	res, err := admin.Post(a.URL+"/op/campagna/impostazioni?lang=en", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a start in the past alone: %d, want 422", res.StatusCode)
	}
}
