package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestPostalDays: the letters' postal lead time, part of a proposal's answer window,
// defaults to 5 days, is kept, and must be 0-30.
func TestPostalDays(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	set, err := st.CampaignSettings(ctx)
	if err != nil || set.PostalDays != 5 {
		t.Fatalf("default %+v %v", set, err)
	}
	set = store.DefaultCampaignSettings(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC))
	for _, bad := range []int{-1, 31} {
		set.PostalDays = bad
		if err := st.SaveCampaignSettings(ctx, set); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("postal days %d saved: %v", bad, err)
		}
	}
	set.PostalDays = 0
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CampaignSettings(ctx); err != nil || got.PostalDays != 0 {
		t.Fatalf("saved 0, read %+v %v", got, err)
	}
}
