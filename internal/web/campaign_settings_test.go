package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
)

// TestCampaignSettingsFormUsesValidate: the settings form reports the store's rules
// (store.CampaignSettings.Validate), every broken one at once under its field, in the
// page's language, with what was typed kept and nothing saved. A field that does not
// parse shows that, and the field judged against it (the reminder against the
// confirmation days) is not blamed for it.
func TestCampaignSettingsFormUsesValidate(t *testing.T) {
	a := apptest.New(t, apptest.Options{})
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	before, err := a.Store.CampaignSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	monday := time.Now().UTC().AddDate(0, 0, 14)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	tuesday := monday.AddDate(0, 0, 1).Format(time.DateOnly)
	deadline := monday.AddDate(0, 0, 7*30).Format(time.DateOnly)
	form := url.Values{"start": {tuesday}, "weeks": {"26"}, "deadline": {deadline}, "confirm_days": {"zero"}, "reminder_days": {"50"},
		"share_pct": {"150"}, "minutes_per_app": {"4"}, "mail_per_minute": {"0"}, "postal_days": {"45"}, "paper_invalid_from": {"1999-12-31"}}
	tests := []struct {
		lang string
		want map[string]string // field: message
	}{
		{"it", map[string]string{
			"start":              "la campagna inizia di lunedì",
			"confirm_days":       "indichi un numero intero",
			"share_pct":          "la quota deve essere tra 0 e 100 per cento",
			"minutes_per_app":    "i minuti per pratica devono essere tra 5 e 120",
			"mail_per_minute":    "almeno una e-mail al minuto",
			"postal_days":        "i giorni di consegna postale devono essere tra 0 e 30",
			"paper_invalid_from": "il giorno da cui le carte cartacee non sono valide deve essere tra il 2000 e il 2100",
		}},
		{"en", map[string]string{
			"start":              "the campaign starts on a Monday",
			"confirm_days":       "want a whole number",
			"share_pct":          "share must be between 0 and 100 percent",
			"minutes_per_app":    "minutes per application must be 5-120",
			"mail_per_minute":    "at least one e-mail per minute",
			"postal_days":        "postal delivery days must be 0-30",
			"paper_invalid_from": "the day paper cards stop being valid must be a date between 2000 and 2100",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			page := campaignPost(t, admin, a.URL+"/op/campagna/impostazioni?lang="+tt.lang, form.Encode(), http.StatusUnprocessableEntity)
			for field, msg := range tt.want {
				if want := `data-testid="` + field + `-err">` + html.EscapeString(msg) + `<`; !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			for _, field := range []string{"weeks", "deadline", "reminder_days"} {
				if strings.Contains(page, `data-testid="`+field+`-err"`) {
					t.Errorf("error shown on %s, which is not wrong on its own", field)
				}
			}
			for field, typed := range form {
				kept := regexp.MustCompile(`id="` + field + `" name="` + field + `"[^>]* value="` + regexp.QuoteMeta(html.EscapeString(typed[0])) + `"`)
				if !kept.MatchString(page) {
					t.Errorf("%s lost what was typed (%q)", field, typed[0])
				}
			}
			if t.Failed() {
				t.Log(page)
			}
		})
	}
	after, err := a.Store.CampaignSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after.SharePct != before.SharePct || after.MinutesPerApp != before.MinutesPerApp || !after.Start.Equal(before.Start) || !after.PaperInvalidFrom.Equal(before.PaperInvalidFrom) {
		t.Fatalf("refused settings were saved: %+v", after)
	}

	// with the mistakes corrected the same form saves
	form.Set("start", monday.Format(time.DateOnly))
	form.Set("confirm_days", "60")
	form.Set("share_pct", "40")
	form.Set("minutes_per_app", "25")
	form.Set("mail_per_minute", "100")
	form.Set("postal_days", "7")
	form.Set("paper_invalid_from", "")
	campaignPost(t, admin, a.URL+"/op/campagna/impostazioni", form.Encode(), http.StatusSeeOther)
	if after, _ = a.Store.CampaignSettings(context.Background()); after.ConfirmDays != 60 || after.ReminderDays != 50 || after.PostalDays != 7 || after.SharePct != 40 || !after.Start.Equal(monday.Truncate(24*time.Hour)) {
		t.Fatalf("corrected settings not saved: %+v", after)
	}
}
