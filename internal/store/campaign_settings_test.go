package store_test

import (
	"context"
	"testing"
	"time"

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
