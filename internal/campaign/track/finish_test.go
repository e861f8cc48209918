package track

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// finishCampaign stores n new citizens in a campaign starting on start, and the
// confirmed appointments on the days given (one citizen each, out of the n).
func finishCampaign(t *testing.T, now, start time.Time, n int, confirmedDays ...string) *store.Store {
	t.Helper()
	st := testdb.Open(t)
	st.Now = func() time.Time { return now }
	ctx := context.Background()
	set := store.DefaultCampaignSettings(start)
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	cs := make([]register.Citizen, n)
	for i := range cs {
		cf := fmt.Sprintf("X%015d", i)
		cs[i] = register.Citizen{CF: cf, Household: cf, CardType: "paper", Lat: 45, Lon: 9}
	}
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	office := &model.Office{Code: "A", Name: "A", Active: true, Counters: 1}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		run := &store.CampaignRun{CreatedAt: now, Kind: "plan", People: n, Planned: n}
		if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		for i, day := range confirmedDays {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_proposals (cf, household, run_id, office_id, day, minute, week, state, channel,
				letter_code, nonce, deadline, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				cs[i].CF, cs[i].Household, run.ID, office.ID, day, 540, 0, store.ProposalConfirmed, store.ChannelEmail,
				fmt.Sprintf("%08d", i), "n", store.Micros(now.AddDate(0, 0, 20)), store.Micros(now), store.Micros(now)); err != nil {
				return err
			}
			if err := st.SetCitizenState(ctx, tx, cs[i].CF, store.CitizenConfirmed, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestForecastFinishNotBeforeStartOrBookings is the reviewer's case: 62 people, a
// campaign that starts months from now, appointments already confirmed. The finish
// was now + 62 ÷ pace: before the start and before the people already booked.
func TestForecastFinishNotBeforeStartOrBookings(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC) // a Monday
	caps := OfficeCaps{1: {Name: "A", PerWeek: 100}}
	ctx := context.Background()

	// no booking yet: the 62 start being served on the start day
	d, err := Compute(ctx, finishCampaign(t, now, start, 62), caps, now)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Forecast
	if f.Unknown || f.PerWeek <= 0 || f.Finish.Before(start) {
		t.Fatalf("finish %s before the start %s: %+v", f.Finish.Format(time.DateOnly), start.Format(time.DateOnly), f)
	}
	want := start.Add(time.Duration(f.WeeksNeeded * float64(7*24*time.Hour)))
	if !f.Finish.Equal(want) {
		t.Fatalf("finish %s, want start + %.2f weeks = %s", f.Finish, f.WeeksNeeded, want)
	}

	// two confirmed appointments, the last one after what the pace says
	last := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	d, err = Compute(ctx, finishCampaign(t, now, start, 62, "2026-09-14", last.Format(time.DateOnly)), caps, now)
	if err != nil {
		t.Fatal(err)
	}
	f = d.Forecast
	if !f.LastConfirmed.Equal(last) || f.Finish.Before(last) || f.Finish.Before(start) {
		t.Fatalf("finish %s, last confirmed %s (want %s): %+v", f.Finish.Format(time.DateOnly), f.LastConfirmed.Format(time.DateOnly), last.Format(time.DateOnly), f)
	}
	if f.Remaining != 62 {
		t.Fatalf("remaining %d, want 62 (confirmed citizens still need their card)", f.Remaining)
	}
}

// TestForecastNoCapacity: with every office at 0 a week nobody is served, and the
// forecast says it cannot tell, instead of finishing on 0001-01-01.
func TestForecastNoCapacity(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := finishCampaign(t, now, now, 62)
	d, err := Compute(context.Background(), st, OfficeCaps{1: {Name: "A", PerWeek: 0}, 2: {Name: "B", PerWeek: 0}}, now)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Forecast
	if !f.Unknown || !f.Finish.IsZero() || f.OnTime || f.PerWeek != 0 {
		t.Fatalf("no capacity: %+v, want Unknown, no finish, not on time", f)
	}
}
