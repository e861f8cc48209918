package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestCampaignPaperInvalidDay: the day letters give for paper cards stops being valid
// is the deadline until an admin sets another, and a saved one survives a reload.
func TestCampaignPaperInvalidDay(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	set, err := st.CampaignSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Deadline = set.Start.AddDate(0, 0, 180)
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.CampaignSettings(ctx); !got.PaperInvalidFrom.IsZero() || !got.PaperInvalidDay().Equal(set.Deadline) {
		t.Fatalf("unset: %v, day %v, want the deadline %v", got.PaperInvalidFrom, got.PaperInvalidDay(), set.Deadline)
	}
	set.PaperInvalidFrom = set.Deadline.AddDate(0, 0, 3)
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.CampaignSettings(ctx); !got.PaperInvalidDay().Equal(set.PaperInvalidFrom) {
		t.Fatalf("set: day %v, want %v", got.PaperInvalidDay(), set.PaperInvalidFrom)
	}
	set.PaperInvalidFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := st.SaveCampaignSettings(ctx, set); err == nil {
		t.Fatal("a date in 1900 was accepted")
	}
	// clearing it falls back to the deadline again
	set.PaperInvalidFrom = time.Time{}
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.CampaignSettings(ctx); !got.PaperInvalidDay().Equal(set.Deadline) {
		t.Fatalf("cleared: day %v", got.PaperInvalidDay())
	}
}

// TestCampaignSettingsEveryFieldError: Validate names every wrong field at once, each
// under its own key, so the admin form can mark them all; and the store still
// refuses to save such settings.
func TestCampaignSettingsEveryFieldError(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	before, err := st.CampaignSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := before.Validate(); err != nil {
		t.Fatalf("the defaults are refused: %v", err)
	}
	bad := *before
	bad.Start = bad.Start.AddDate(0, 0, 1) // a Tuesday
	bad.Weeks = 0
	bad.ConfirmDays = 91
	bad.ReminderDays = -1
	bad.SharePct = 101
	bad.MinutesPerApp = 4
	bad.MailPerMinute = 0
	bad.PaperInvalidFrom = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
	want := map[string]string{
		"start":              "the campaign starts on a Monday",
		"weeks":              "weeks must be 1-104",
		"confirm_days":       "confirmation days must be 1-90",
		"reminder_days":      "the reminder cannot be negative",
		"share_pct":          "share must be between 0 and 100 percent",
		"minutes_per_app":    "minutes per application must be 5-120",
		"mail_per_minute":    "at least one e-mail per minute",
		"paper_invalid_from": "the day paper cards stop being valid must be a date between 2000 and 2100",
	}
	got := fieldErrs(t, bad.FieldErrors())
	if len(got) != len(want) {
		t.Errorf("%d field errors, want %d: %v", len(got), len(want), got)
	}
	for f, msg := range want {
		if got[f] != msg {
			t.Errorf("%s: %q, want %q", f, got[f], msg)
		}
	}
	// Validate carries the same errors, an EINVALID the web layer maps to 422
	err = bad.Validate()
	if model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("Validate: code %q (%v)", model.ErrorCode(err), err)
	}
	for _, msg := range want {
		if !strings.Contains(err.Error(), msg) {
			t.Errorf("Validate lacks %q: %v", msg, err)
		}
	}
	if err := st.SaveCampaignSettings(ctx, &bad); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("invalid settings saved: %v", err)
	}
	if after, _ := st.CampaignSettings(ctx); after.Weeks != before.Weeks || !after.Start.Equal(before.Start) || after.SharePct != before.SharePct {
		t.Fatalf("refused settings were stored: %+v", after)
	}
}

// TestCampaignSettingsDependentFields: the deadline is judged against a valid start
// and the reminder against valid confirmation days; with the other field wrong, only
// that one is reported, and with it right, the dependent one is.
func TestCampaignSettingsDependentFields(t *testing.T) {
	base := store.DefaultCampaignSettings(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		edit func(c *store.CampaignSettings)
		want map[string]string
	}{
		{"deadline before a valid start", func(c *store.CampaignSettings) { c.Deadline = c.Start.AddDate(0, 0, -1) },
			map[string]string{"deadline": "the deadline is before the start"}},
		{"deadline against a missing start", func(c *store.CampaignSettings) { c.Start, c.Deadline = time.Time{}, c.Start.AddDate(0, 0, -1) },
			map[string]string{"start": "start date required"}},
		{"missing deadline", func(c *store.CampaignSettings) { c.Deadline = time.Time{} },
			map[string]string{"deadline": "deadline date required"}},
		{"reminder not before the confirmation deadline", func(c *store.CampaignSettings) { c.ReminderDays = c.ConfirmDays },
			map[string]string{"reminder_days": "the reminder must come before the confirmation deadline"}},
		{"reminder against wrong confirmation days", func(c *store.CampaignSettings) { c.ConfirmDays, c.ReminderDays = 0, 5 },
			map[string]string{"confirm_days": "confirmation days must be 1-90"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *base
			tt.edit(&c)
			got := fieldErrs(t, c.FieldErrors())
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for f, msg := range tt.want {
				if got[f] != msg {
					t.Errorf("%s: %q, want %q", f, got[f], msg)
				}
			}
		})
	}
}

// fieldErrs maps field errors by field, failing on a field named twice or an error
// that names none.
func fieldErrs(t *testing.T, errs []error) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, err := range errs {
		var fe *model.Error
		if !errors.As(err, &fe) || fe.Field == "" || fe.Code != model.EINVALID {
			t.Fatalf("not a field error: %v", err)
		}
		if _, dup := out[fe.Field]; dup {
			t.Errorf("%s reported twice", fe.Field)
		}
		out[fe.Field] = fe.Message
	}
	return out
}
