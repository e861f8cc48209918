package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
)

// days returns the days with bookable times between from and to, as YYYY-MM-DD.
func (f *fixture) days(t *testing.T, from, to time.Time, clerk bool) map[string]bool {
	t.Helper()
	ds, err := f.e.Availability(context.Background(), engine.Query{OfficeID: f.office.ID, ServiceID: f.svc.ID, People: 1, From: from, To: to, Clerk: clerk})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, d := range ds {
		out[d.Date.Format(booking.DayFormat)] = true
	}
	return out
}

func TestHolidaysAreClosed(t *testing.T) {
	f := newFixture(t, 2, nil)
	f.e.Holidays = booking.Holidays{Patron: "12-07"}
	from, to := at(14, 0, 0), at(19, 0, 0) // Monday 7 to Saturday 12 December 2026
	for _, clerk := range []bool{false, true} {
		got := f.days(t, from, to, clerk)
		for _, d := range []string{"2026-12-07", "2026-12-08"} {
			if got[d] {
				t.Errorf("clerk=%v: %s (a holiday) offers times", clerk, d)
			}
		}
		for _, d := range []string{"2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12"} {
			if !got[d] {
				t.Errorf("clerk=%v: working day %s offers no time", clerk, d)
			}
		}
	}
	if _, _, err := f.e.Hold(context.Background(), f.req(time.Date(2026, 12, 8, 9, 0, 0, 0, rome), 1, booking.Consecutive), "it", "citizen"); err == nil {
		t.Error("a hold on 8 December was accepted")
	}
	if _, _, err := f.e.Hold(context.Background(), f.req(time.Date(2026, 12, 8, 9, 0, 0, 0, rome), 1, booking.Consecutive), "it", "user:clerk"); err == nil {
		t.Error("a clerk's booking on 8 December was accepted")
	}
}

func TestExceptionalOpeningOpensAHoliday(t *testing.T) {
	f := newFixture(t, 2, nil)
	op := &booking.Opening{OfficeID: f.office.ID, Day: "2026-12-08", OpensMin: 10 * 60, ClosesMin: 11 * 60, SlotMinutes: 20, Counters: 1, Note: "open day"}
	if err := f.st.AddOpening(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	f.e.InvalidateCatalog()
	ds, err := f.e.Availability(context.Background(), engine.Query{OfficeID: f.office.ID, ServiceID: f.svc.ID, People: 1, From: at(15, 0, 0), To: at(15, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	// the opening's hours only, not the weekly 09:00-12:00
	if len(ds) != 1 || len(ds[0].Times) == 0 || ds[0].Times[0].Hour() != 10 || ds[0].Times[len(ds[0].Times)-1].Hour() != 10 {
		t.Fatalf("8 December with an opening 10-11: %v", ds)
	}
	f.book(t, time.Date(2026, 12, 8, 10, 0, 0, 0, rome), 1)
}
