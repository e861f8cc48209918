package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

// Capacity an admin adds in the evening reaches citizens at the next release minute
// (08:00 by default), not when it is saved: a bot polling the API gains nothing.
// Clerks can book it at once. Sunday 29 November has no weekly hours in the fixture.
func TestAddedCapacityWaitsForRelease(t *testing.T) {
	sunday := at(6, 0, 0)
	for _, kind := range []string{"opening", "hours"} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, 2, nil)
			ctx := context.Background()
			f.clock.Set(at(0, 20, 12))
			vis, err := f.e.NextRelease(ctx, f.office.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(1, 8, 0); !vis.Equal(want) {
				t.Fatalf("next release at 20:12 = %v, want %v", vis, want)
			}
			// Prime the caches with the Sunday as it was before the edit.
			if days := f.avail(t, sunday, false); len(days) != 0 {
				t.Fatalf("Sunday bookable before any opening: %v", days)
			}
			switch kind {
			case "opening":
				op := &booking.Opening{OfficeID: f.office.ID, Day: sunday.Format(booking.DayFormat), OpensMin: 9 * 60, ClosesMin: 10 * 60,
					SlotMinutes: 20, Counters: 2, VisibleFrom: vis}
				if err := f.st.AddOpening(ctx, op); err != nil {
					t.Fatal(err)
				}
				ops, err := f.st.Openings(ctx, f.office.ID, op.Day, op.Day)
				if err != nil || len(ops) != 1 || !ops[0].VisibleFrom.Equal(vis) {
					t.Fatalf("stored opening %+v %v, want visible from %v", ops, err, vis)
				}
			case "hours":
				h := &model.OpeningHours{OfficeID: f.office.ID, Weekday: time.Sunday, OpensMin: 9 * 60, ClosesMin: 10 * 60, SlotMinutes: 20, Counters: 2}
				if err := f.st.AddOpeningHoursVisibleFrom(ctx, h, vis); err != nil {
					t.Fatal(err)
				}
				m, err := f.st.OpeningHoursVisibleFrom(ctx, f.office.ID)
				if err != nil || len(m) != 1 || !m[h.ID].Equal(vis) {
					t.Fatalf("stored visibility %v %v, want {%d: %v}", m, err, h.ID, vis)
				}
			}
			f.e.Invalidate(f.office.ID)

			if days := f.avail(t, sunday, false); len(days) != 0 {
				t.Fatalf("citizens see the new capacity at once: %v", days)
			}
			if _, _, err := f.e.Hold(ctx, f.req(at(6, 9, 0), 1, booking.Consecutive), "it", "citizen"); !isField(err, "start") {
				t.Fatalf("citizen hold before release: %v, want a start field error", err)
			}
			if days := f.avail(t, sunday, true); len(days) != 1 || len(days[0].Times) != 3 {
				t.Fatalf("clerk availability %v, want the 3 new times", days)
			}
			if _, _, err := f.e.Hold(ctx, f.req(at(6, 9, 0), 1, booking.Consecutive), "it", "user:anna"); err != nil {
				t.Fatalf("clerk hold at once: %v", err)
			}

			// Just before the release the answer is cached; it must not outlive 08:00.
			f.clock.Set(at(1, 7, 59).Add(59*time.Second + 500*time.Millisecond))
			if days := f.avail(t, sunday, false); len(days) != 0 {
				t.Fatalf("citizens see the capacity before 08:00: %v", days)
			}
			if _, _, err := f.e.Hold(ctx, f.req(at(6, 9, 20), 1, booking.Consecutive), "it", "citizen"); !isField(err, "start") {
				t.Fatalf("citizen hold at 07:59:59: %v, want a start field error", err)
			}
			f.clock.Set(at(1, 8, 0))
			if days := f.avail(t, sunday, false); len(days) != 1 || len(days[0].Times) != 3 {
				t.Fatalf("citizen availability at 08:00 = %v, want the 3 new times", days)
			}
			if _, _, err := f.e.Hold(ctx, f.req(at(6, 9, 20), 1, booking.Consecutive), "it", "citizen"); err != nil {
				t.Fatalf("citizen hold at 08:00: %v", err)
			}
		})
	}
}

func isField(err error, field string) bool {
	var me *model.Error
	return errors.As(err, &me) && me.Field == field
}

func (f *fixture) avail(t *testing.T, day time.Time, clerk bool) []engine.Day {
	t.Helper()
	days, err := f.e.Availability(context.Background(), engine.Query{OfficeID: f.office.ID, ServiceID: f.svc.ID, People: 1, Mode: booking.Consecutive,
		From: day, To: day, Clerk: clerk})
	if err != nil {
		t.Fatal(err)
	}
	return days
}
