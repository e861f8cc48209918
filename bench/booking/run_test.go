package main

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testdb"
)

// TestLoadSmall runs the load benchmark small on the suite's database (SQLite, or
// PostgreSQL when SPORTELLO_TEST_POSTGRES is set) and checks what it did, not how fast:
// every booking succeeded, the database confirms exactly those, no slot is over its
// capacity and capacity used equals what active bookings hold.
func TestLoadSmall(t *testing.T) {
	dsn, dir := testdb.DSN(t)
	o := options{Clients: 50, Bookings: 300, Rate: 200, RateTime: time.Second, Reads: 3000, MaxTime: 60 * time.Second,
		DSN: dsn, DataDir: dir, PoW: 50}
	rep, err := run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != 3 {
		t.Fatalf("%d phases, want 3", len(rep.Phases))
	}
	want := []int64{300, 200, 3000}
	for i, p := range rep.Phases {
		if p.OK != want[i] || p.Fail != 0 || int64(len(p.Lat)) != p.OK {
			t.Errorf("%s: %d ok, %d failed, %d latencies; want %d ok", p.Name, p.OK, p.Fail, len(p.Lat), want[i])
		}
		if p.ServerCPU <= 0 {
			t.Errorf("%s: no CPU measured", p.Name)
		}
	}
	if got := rep.States["confirmed"]; got != 500 || rep.Holds != 500 {
		t.Errorf("database: %v, want 500 confirmed and nothing else", rep.States)
	}
	if rep.Used != rep.Booked || rep.Booked != 1000 || rep.Over != 0 || rep.MaxUsed > rep.Cap {
		t.Errorf("capacity: used %d, held by bookings %d (want 1000: two 10-minute units each), %d slots over, fullest %d of %d",
			rep.Used, rep.Booked, rep.Over, rep.MaxUsed, rep.Cap)
	}
	if rep.Audited != 500 {
		t.Errorf("%d confirmations in the audit chain, want 500", rep.Audited)
	}
	if p := rep.problems(); len(p) > 0 {
		t.Errorf("problems: %v", p)
	}
}

// Filling a few slots to the brim from many clients at once must stop exactly at
// capacity, through the whole HTTP stack.
func TestLoadFullSlots(t *testing.T) {
	dsn, dir := testdb.DSN(t)
	o := options{Clients: 50, Bookings: 400, Reads: 10, MaxTime: 60 * time.Second, DSN: dsn, DataDir: dir, PoW: 50, onlyStarts: 4}
	rep, err := run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Phases[0]
	// Four consecutive start times of a 20-minute service over five 10-minute slots of
	// 50 counters: at most 125 bookings fit, and the slots in the middle fill up.
	if b.OK+b.Fail != 400 || b.OK == 0 || b.Fail == 0 {
		t.Fatalf("%d ok, %d failed: want some of both out of 400", b.OK, b.Fail)
	}
	if rep.Over != 0 || rep.MaxUsed != rep.Cap || rep.Used != rep.Booked {
		t.Fatalf("used %d, held %d, fullest slot %d of %d, %d over", rep.Used, rep.Booked, rep.MaxUsed, rep.Cap, rep.Over)
	}
	if int64(rep.States["confirmed"]) != b.OK {
		t.Fatalf("database %v, clients saw %d bookings", rep.States, b.OK)
	}
}
