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
