package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/store"
)

// bookCampaign runs BookCampaign in its own transaction, as a campaign confirmation
// does.
func (f *fixture) bookCampaign(start time.Time, i int) (*booking.Booking, error) {
	var b *booking.Booking
	err := f.st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		b, err = f.e.BookCampaign(context.Background(), tx, f.office.ID, start, person(i), "", "")
		return err
	})
	f.e.CampaignDone(f.office.ID)
	return b, err
}

// TestCampaignBookingSharesCapacity: a campaign appointment is a booking in the
// agenda and in search, it takes a counter online booking then cannot have, it cannot
// take a slot online booking filled, it moves atomically, and its cancellation
// returns the slot only after the office's hold-back.
func TestCampaignBookingSharesCapacity(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	nine := at(1, 9, 0)
	b, err := f.bookCampaign(nine, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedBy != engine.CampaignCreator || b.State != booking.StateConfirmed {
		t.Fatalf("booking %+v", b)
	}
	day, _ := f.st.BookingsBetween(ctx, f.office.ID, at(1, 0, 0), at(2, 0, 0))
	if len(day) != 1 || day[0].Persons[0].CF != cf(1) {
		t.Fatalf("agenda of the day: %+v", day)
	}
	if found, _ := f.st.SearchBookingsByCF(ctx, cf(1), 10); len(found) != 1 || found[0].ID != b.ID {
		t.Fatalf("search by codice fiscale found %d", len(found))
	}
	// the one counter is the campaign's now: online booking is refused
	if _, _, err := f.e.Hold(ctx, f.req(nine, 1, booking.Consecutive), "it", "citizen"); !engine.IsSlotTaken(err) {
		t.Fatalf("online hold on the campaign's slot: %v", err)
	}
	// and a slot online booking filled refuses the campaign, leaving nothing behind
	f.book(t, at(1, 10, 0), 2)
	if _, err := f.bookCampaign(at(1, 10, 0), 3); !errors.Is(err, store.ErrSlotTaken) {
		t.Fatalf("campaign on a full slot: %v", err)
	}
	if found, _ := f.st.SearchBookingsByCF(ctx, cf(3), 10); len(found) != 0 {
		t.Fatal("a refused campaign booking left a row")
	}
	// a move takes the new slot and returns the old one together
	err = f.st.InTx(ctx, func(tx *store.Tx) error {
		b, err = f.e.MoveCampaign(ctx, tx, b.ID, f.office.ID, at(1, 9, 20))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.used(t, nine) != 0 || f.used(t, at(1, 9, 20)) != 1 {
		t.Fatalf("after move: 9:00 %d, 9:20 %d", f.used(t, nine), f.used(t, at(1, 9, 20)))
	}
	// moving onto the online booking's slot fails and changes nothing
	err = f.st.InTx(ctx, func(tx *store.Tx) error {
		_, err := f.e.MoveCampaign(ctx, tx, b.ID, f.office.ID, at(1, 10, 0))
		return err
	})
	if !errors.Is(err, store.ErrSlotTaken) || f.used(t, at(1, 9, 20)) != 1 || f.used(t, at(1, 10, 0)) != 1 {
		t.Fatalf("move onto a full slot: %v", err)
	}
	// a cancellation keeps the slot for the hold-back, then returns it
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { return f.e.CancelCampaign(ctx, tx, b.ID) }); err != nil {
		t.Fatal(err)
	}
	if f.used(t, at(1, 9, 20)) != 1 {
		t.Fatal("cancelled campaign slot returned before the hold-back")
	}
	st, _ := f.st.BookingSettings(ctx, f.office.ID)
	f.clock.Add(time.Duration(st.HoldbackMinutes)*time.Minute + time.Second)
	if _, err := f.e.ReleaseDue(ctx); err != nil {
		t.Fatal(err)
	}
	if f.used(t, at(1, 9, 20)) != 0 {
		t.Fatal("cancelled campaign slot not returned after the hold-back")
	}
}

// TestCampaignBookingRefusesClosedDay: a day the admin closed takes no campaign
// booking, with a message that says so.
func TestCampaignBookingRefusesClosedDay(t *testing.T) {
	f := newFixture(t, 2, nil)
	ctx := context.Background()
	if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: f.office.ID, Day: at(2, 0, 0).Format(booking.DayFormat), Note: "festa"}); err != nil {
		t.Fatal(err)
	}
	f.e.Invalidate(f.office.ID)
	_, err := f.bookCampaign(at(2, 9, 0), 1)
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("campaign booking on a closed day: %v", err)
	}
	if _, err := f.bookCampaign(at(1, 12, 0), 1); err == nil || !strings.Contains(err.Error(), "opening hours") {
		t.Fatalf("campaign booking after closing time: %v", err)
	}
}

// TestCampaignAndOnlineRace: campaign confirmations and online holds racing for one
// slot never take more than its counters, on either database.
func TestCampaignAndOnlineRace(t *testing.T) {
	const counters, racers = 3, 40
	f := newFixture(t, counters, nil)
	ctx := context.Background()
	slot := at(1, 9, 40)
	var mu sync.Mutex
	won, taken := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = f.bookCampaign(slot, i)
			} else {
				_, _, err = f.e.Hold(ctx, f.req(slot, 1, booking.Consecutive), "it", "citizen")
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrSlotTaken):
				taken++
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if won != counters || taken != racers-counters || f.used(t, slot) != counters {
		t.Fatalf("%d won, %d taken, slot use %d; want %d, %d, %d", won, taken, f.used(t, slot), counters, racers-counters, counters)
	}
}
