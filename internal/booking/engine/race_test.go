package engine_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
)

// TestRaceExactlyCapacity: 1,000 goroutines hold the same slot of capacity 3 at once;
// exactly 3 succeed and every other one is told the slot was taken. Then households of
// two race in parallel mode for a 3-counter slot: only one fits.
func TestRaceExactlyCapacity(t *testing.T) {
	const counters, racers = 3, 1000
	f := newFixture(t, counters, nil)
	start := at(2, 9, 20)
	var ok, taken, other atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			_, _, err := f.e.Hold(context.Background(), f.req(start, 1, booking.Consecutive), "it", "citizen")
			switch {
			case err == nil:
				ok.Add(1)
			case engine.IsSlotTaken(err):
				taken.Add(1)
			default:
				other.Add(1)
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	close(gate)
	wg.Wait()
	if ok.Load() != counters || taken.Load() != racers-counters || other.Load() != 0 {
		t.Fatalf("ok %d, taken %d, other %d; want %d, %d, 0", ok.Load(), taken.Load(), other.Load(), counters, racers-counters)
	}
	if u := f.used(t, start); u != counters {
		t.Fatalf("slot_usage.used = %d, want %d", u, counters)
	}

	start2 := at(2, 10, 0)
	ok.Store(0)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := f.e.Hold(context.Background(), f.req(start2, 2, booking.Parallel), "it", "citizen"); err == nil {
				ok.Add(1)
			} else if !engine.IsSlotTaken(err) {
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || f.used(t, start2) != 2 {
		t.Fatalf("parallel households: %d succeeded, used %d; want 1 and 2", ok.Load(), f.used(t, start2))
	}
}
