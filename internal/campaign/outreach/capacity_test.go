package outreach

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// TestCapacityWeeklyClosure: a closed weekday lowers the derived capacity of its
// campaign week only; a typed capacity stays what the admin typed.
func TestCapacityWeeklyClosure(t *testing.T) {
	f := newFixture(t, 3, 200)
	ctx := context.Background()
	set, _ := f.st.CampaignSettings(ctx)
	offices, _ := f.st.ListOffices(ctx, true)
	o := offices[0]
	if err := f.st.SetCampaignCapacity(ctx, o.ID, -1); err != nil { // derived again
		t.Fatal(err)
	}
	tuesday := set.Start.AddDate(0, 0, 7*2+1) // week 2; the campaign starts on a Monday
	if tuesday.Weekday() != time.Tuesday {
		t.Fatalf("campaign starts on a %s", set.Start.Weekday())
	}
	if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: o.ID, Day: tuesday.Format(time.DateOnly), Note: "festa"}); err != nil {
		t.Fatal(err)
	}
	caps, err := f.svc.Capacities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		switch {
		case c.Office.ID == o.ID:
			if c.Typed || c.At(1) != c.Derived || c.At(3) != c.Derived || c.At(2) >= c.Derived || c.At(2) <= 0 {
				t.Fatalf("derived %d, weeks 1-3: %d %d %d", c.Derived, c.At(1), c.At(2), c.At(3))
			}
		case c.At(2) != 200:
			t.Fatalf("typed capacity %d in week 2, want 200", c.At(2))
		}
	}
}

// TestCapacityHolidayWeek: the week of Christmas (Friday 25) and Santo Stefano
// (Saturday 26), with no closure stored, keeps only the counter time of its open days
// at Via Larga (derived: Monday–Thursday of a Monday–Saturday week), and a typed
// capacity is pro-rated the same way; the weeks around it are whole.
func TestCapacityHolidayWeek(t *testing.T) {
	f := newFixture(t, 3, 200)
	ctx := context.Background()
	set, _ := f.st.CampaignSettings(ctx)
	set.Start, set.Weeks = time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC), 4
	set.Deadline = set.Start.AddDate(0, 0, 7*set.Weeks)
	if err := f.st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	offices, _ := f.st.ListOffices(ctx, true)
	larga := offices[0]
	if err := f.st.SetCampaignCapacity(ctx, larga.ID, -1); err != nil {
		t.Fatal(err)
	}
	caps, err := f.svc.Capacities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		full := c.PerWeek
		if c.At(0) != full {
			t.Fatalf("%s: week 0 (no holiday) %d, want %d", c.Office.Code, c.At(0), full)
		}
		// a typed capacity of 200 over Monday-Friday hours: four days of five
		want := 160
		if c.Office.ID == larga.ID {
			if c.Typed {
				t.Fatal("Via Larga still typed")
			}
			// 20-minute starts: Monday-Wednesday 16, Thursday 26, Friday 16, Saturday 9
			want = (2*full*74 + 99) / (2 * 99)
		}
		if got := c.At(1); got != want {
			t.Fatalf("%s: Christmas week %d of %d, want %d", c.Office.Code, got, full, want)
		}
	}
}
