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

func TestHoldExpiresAndFreesTheSlot(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	start := at(2, 9, 0)
	_, tok, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen"); !engine.IsSlotTaken(err) {
		t.Fatalf("second hold: %v, want slot taken", err)
	}
	f.clock.Add(11 * time.Minute) // default hold is 10 minutes
	if _, err := f.e.Confirm(ctx, tok, []booking.Person{person(1)}, contact(1)); !errors.Is(err, engine.ErrHoldExpired) {
		t.Fatalf("confirm after expiry: %v", err)
	}
	if _, _, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen"); err != nil {
		t.Fatalf("hold after expiry: %v", err)
	}
	if u := f.used(t, start); u != 1 {
		t.Fatalf("used %d, want 1", u)
	}
}

func TestCancelledSlotIsHeldBack(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	start := at(3, 9, 0)
	b := f.book(t, start, 1)
	if _, err := f.e.Cancel(ctx, b.ID, b.Version, "citizen"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.Cancel(ctx, b.ID, b.Version, "citizen"); err == nil {
		t.Fatal("cancel twice with the old link succeeded")
	}
	if _, _, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen"); !engine.IsSlotTaken(err) {
		t.Fatalf("hold during hold-back: %v, want slot taken", err)
	}
	days, err := f.e.Availability(ctx, engine.Query{OfficeID: f.office.ID, ServiceID: f.svc.ID, People: 1, From: at(3, 0, 0), To: at(3, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		for _, tm := range d.Times {
			if tm.Equal(start) {
				t.Fatal("held-back slot offered as free")
			}
		}
	}
	f.clock.Add(121 * time.Minute) // default hold-back is 120 minutes
	if _, _, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen"); err != nil {
		t.Fatalf("hold after hold-back: %v", err)
	}
}

func TestMoveIsAtomic(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	a, full, free := at(2, 9, 0), at(2, 9, 20), at(2, 9, 40)
	b := f.book(t, a, 1)
	f.book(t, full, 2)
	if _, err := f.e.Move(ctx, b.ID, b.Version, full, "citizen"); !engine.IsSlotTaken(err) {
		t.Fatalf("move to a full slot: %v", err)
	}
	if f.used(t, a) != 1 || f.used(t, full) != 1 {
		t.Fatalf("failed move changed capacity: %d %d", f.used(t, a), f.used(t, full))
	}
	moved, err := f.e.Move(ctx, b.ID, b.Version, free, "citizen")
	if err != nil {
		t.Fatal(err)
	}
	if !moved.Start.Equal(free) || moved.Version != b.Version+1 {
		t.Fatalf("moved %+v", moved)
	}
	if f.used(t, a) != 0 || f.used(t, free) != 1 {
		t.Fatalf("after move: old %d new %d", f.used(t, a), f.used(t, free))
	}
	if _, err := f.e.Move(ctx, b.ID, b.Version, a, "citizen"); err == nil {
		t.Fatal("old link still moves the booking")
	}
}

func TestCapsPerPersonAndEmail(t *testing.T) {
	f := newFixture(t, 5, nil)
	ctx := context.Background()
	f.book(t, at(2, 9, 0), 7)
	f.book(t, at(2, 9, 20), 7)
	_, tok, err := f.e.Hold(ctx, f.req(at(2, 9, 40), 1, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.e.Confirm(ctx, tok, []booking.Person{person(7)}, contact(8))
	var me *model.Error
	if !errors.As(err, &me) || me.Code != model.ECONFLICT || me.Field != "cf_0" {
		t.Fatalf("third booking for one person: %v", err)
	}
	// An omocodic variant of the same code is the same person.
	p := person(7)
	v := []byte(p.CF)
	v[14] = "LMNPQRSTUV"[v[14]-'0']
	for c := 'A'; c <= 'Z'; c++ {
		v[15] = byte(c)
		if _, err := booking.ParseCheck(string(v)); err == nil {
			break
		}
	}
	_, err = f.e.Confirm(ctx, tok, []booking.Person{{Name: "Mario", Surname: "Rossi", CF: string(v)}}, contact(9))
	if !errors.As(err, &me) || me.Field != "cf_0" {
		t.Fatalf("omocodic variant dodged the cap: %v", err)
	}
}

func TestHouseholdConsecutiveAndParallel(t *testing.T) {
	f := newFixture(t, 2, nil)
	ctx := context.Background()
	start := at(4, 9, 0)
	b, tok, err := f.e.Hold(ctx, f.req(start, 3, booking.Consecutive), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Units) != 3 || !b.End.Equal(at(4, 10, 0)) {
		t.Fatalf("consecutive units %+v end %v", b.Units, b.End)
	}
	if _, err := f.e.Confirm(ctx, tok, []booking.Person{person(1), person(2)}, contact(1)); err == nil {
		t.Fatal("confirmed with 2 of 3 people")
	}
	if _, err := f.e.Confirm(ctx, tok, []booking.Person{person(1), person(2), person(1)}, contact(1)); err == nil {
		t.Fatal("confirmed with a repeated codice fiscale")
	}
	if _, err := f.e.Confirm(ctx, tok, []booking.Person{person(1), person(2), person(3)}, contact(1)); err != nil {
		t.Fatal(err)
	}
	p, _, err := f.e.Hold(ctx, f.req(at(4, 10, 0), 2, booking.Parallel), "it", "citizen")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Units) != 1 || p.Units[0].N != 2 {
		t.Fatalf("parallel units %+v", p.Units)
	}
	// The last slot of the morning cannot start a 3-person consecutive booking.
	if _, _, err := f.e.Hold(ctx, f.req(at(4, 11, 40), 3, booking.Consecutive), "it", "citizen"); err == nil {
		t.Fatal("booking ran past closing time")
	}
}

func TestWindowAndPast(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	for name, start := range map[string]time.Time{
		"today (window starts tomorrow)": at(0, 11, 0),
		"past":                           at(-1, 9, 0),
		"beyond 60 days":                 at(62, 9, 0),
		"not a slot":                     at(2, 9, 10),
		"sunday":                         at(6, 9, 0),
	} {
		if _, _, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen"); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	// A clerk may book today.
	if _, _, err := f.e.Hold(ctx, f.req(at(0, 11, 0), 1, booking.Consecutive), "it", "user:clerk"); err != nil {
		t.Errorf("clerk today: %v", err)
	}
}

func TestClerkStatusOnTheDay(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	b := f.book(t, at(2, 9, 0), 1)
	if _, err := f.e.SetStatus(ctx, b.ID, booking.StateArrived, "user:clerk"); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("arrival two days early: %v", err)
	}
	f.clock.Set(at(2, 8, 55))
	for _, st := range []string{booking.StateArrived, booking.StateDone} {
		got, err := f.e.SetStatus(ctx, b.ID, st, "user:clerk")
		if err != nil || got.State != st {
			t.Fatalf("%s: %v", st, err)
		}
	}
	if _, err := f.e.SetStatus(ctx, b.ID, "lost", "user:clerk"); err == nil {
		t.Fatal("unknown status accepted")
	}
	if _, err := f.e.Cancel(ctx, b.ID, 0, "user:clerk"); err == nil {
		t.Fatal("a completed booking was cancelled")
	}
}

func TestPurgeErasesPersonalDataAfterRetention(t *testing.T) {
	f := newFixture(t, 1, nil)
	ctx := context.Background()
	b := f.book(t, at(2, 9, 0), 1)
	keep := f.book(t, at(3, 9, 0), 2)
	f.clock.Set(at(2, 10, 0).Add(engine.Retention))
	if err := f.q.Enqueue(ctx, nil, engine.JobPurge, nil, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.BookingByID(ctx, f.st.Reader(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Persons) != 0 || got.Email != "" || got.Phone != "" || got.Code != b.Code {
		t.Fatalf("after retention: %+v", got)
	}
	if later, _ := f.st.BookingByID(ctx, f.st.Reader(), keep.ID); len(later.Persons) != 1 || later.Email == "" {
		t.Fatalf("a booking still within retention was erased: %+v", later)
	}
}
