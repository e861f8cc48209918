package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
)

// TestReholdAfterTheTokenExpired: with the hold token itself past its expiry, the data
// form can still find the booking (LapsedHold), take the same time again when free
// (Rehold) and confirm; the old token then yields no second hold, a taken time is
// "slot taken", and a token older than the grace is refused.
func TestReholdAfterTheTokenExpired(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	start := at(2, 9, 0)
	_, tok, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.LapsedHold(ctx, tok); err == nil {
		t.Fatal("a live hold counted as lapsed")
	}
	f.clock.Add(11 * time.Minute)
	if _, err := f.e.HeldBooking(ctx, tok); !errors.Is(err, engine.ErrHoldExpired) {
		t.Fatalf("held booking after expiry: %v", err)
	}
	old, err := f.e.LapsedHold(ctx, tok)
	if err != nil {
		t.Fatalf("lapsed hold: %v", err)
	}
	nb, ntok, err := f.e.Rehold(ctx, old, time.Time{})
	if err != nil || !nb.Start.Equal(start) {
		t.Fatalf("rehold: %v %+v", err, nb)
	}
	if u := f.used(t, start); u != 1 {
		t.Fatalf("used %d after rehold, want 1 (the lapsed hold's capacity returned)", u)
	}
	if _, err := f.e.LapsedHold(ctx, tok); err == nil {
		t.Fatal("the old token re-holds twice")
	}
	// A second submit racing the first (it read the lapsed booking before the first
	// re-held) gets a free time, then loses the version check and gives it back.
	if _, _, err := f.e.Rehold(ctx, old, at(2, 11, 0)); err == nil {
		t.Fatal("a stale copy of the lapsed booking re-held again")
	}
	if u := f.used(t, at(2, 11, 0)); u != 0 {
		t.Fatalf("used %d after a refused second rehold, want 0", u)
	}
	if _, err := f.e.Confirm(ctx, ntok, []booking.Person{person(1)}, contact(1)); err != nil {
		t.Fatalf("confirm the re-held time: %v", err)
	}

	// Lapsed again, and the time taken meanwhile by someone else.
	start2 := at(2, 9, 20)
	_, tok2, err := f.e.Hold(ctx, f.req(start2, 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(11 * time.Minute)
	f.book(t, start2, 2)
	old2, err := f.e.LapsedHold(ctx, tok2)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.e.Rehold(ctx, old2, time.Time{}); !engine.IsSlotTaken(err) {
		t.Fatalf("rehold of a taken time: %v, want slot taken", err)
	}
	if _, _, err := f.e.Rehold(ctx, old2, at(2, 9, 40)); err != nil {
		t.Fatalf("rehold at another time of the day: %v", err)
	}

	_, tok3, err := f.e.Hold(ctx, f.req(at(2, 10, 0), 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(booking.LapsedHoldGrace + time.Hour)
	if _, err := f.e.LapsedHold(ctx, tok3); err == nil {
		t.Fatal("a token past the grace still re-holds")
	}
}
