package track

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

func TestForecast(t *testing.T) {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		states      map[string]int
		issuedNow   bool // issued within the last 4 weeks
		capacity    int
		deadline    time.Time
		wantOnTime  bool
		wantPerWeek float64
		wantExtraH  float64
	}{
		// no answers yet: pace = capacity × the 0.5 prior = 50/week; 100 left need 2 weeks
		{"capacity pace, on time", map[string]int{"new": 100}, false, 100, now.AddDate(0, 0, 28), true, 50, 0},
		// 400 left at 50/week need 8 weeks but only 4 are left: 100/week needed,
		// 50 missing × 20 min / 60 / 0.5 = 33.3 counter-hours a week
		{"capacity pace, late", map[string]int{"new": 400}, false, 100, now.AddDate(0, 0, 28), false, 50, 50.0 * 20 / 60 / 0.5},
		// observed: 40 issued in 4 weeks = 10/week; closed states do not count as remaining
		{"observed pace", map[string]int{"issued": 40, "deceased": 3, "emigrated": 2, "proposed": 30}, true, 100, now.AddDate(0, 0, 7*10), true, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := testdb.Open(t)
			st.Now = func() time.Time { return now }
			ctx := context.Background()
			set := store.DefaultCampaignSettings(now.AddDate(0, 0, -30))
			set.Deadline = tt.deadline
			if err := st.SaveCampaignSettings(ctx, set); err != nil {
				t.Fatal(err)
			}
			var cs []register.Citizen
			var states []string
			for state, n := range tt.states {
				for i := 0; i < n; i++ {
					cs = append(cs, register.Citizen{CF: fmt.Sprintf("X%015d", len(cs)), Household: "h", CardType: "paper", Lat: 45, Lon: 9})
					states = append(states, state)
				}
			}
			if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
				t.Fatal(err)
			}
			if !tt.issuedNow {
				st.Now = func() time.Time { return now.AddDate(0, -3, 0) }
			}
			for i, c := range cs {
				if err := st.SetCitizenState(ctx, st.Writer(), c.CF, states[i], ""); err != nil {
					t.Fatal(err)
				}
			}
			st.Now = func() time.Time { return now }
			d, err := Compute(ctx, st, OfficeCaps{1: {Name: "A", PerWeek: tt.capacity}}, now)
			if err != nil {
				t.Fatal(err)
			}
			f := d.Forecast
			if f.OnTime != tt.wantOnTime || math.Abs(f.PerWeek-tt.wantPerWeek) > 1e-9 || math.Abs(f.ExtraHoursPerWeek-tt.wantExtraH) > 1e-6 {
				t.Fatalf("forecast %+v", f)
			}
		})
	}
}
