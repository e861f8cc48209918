package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
)

// BenchmarkHoldConfirm measures one booking (hold, then confirm with one person) in the
// engine alone, without HTTP: the database work per booking on this machine.
func BenchmarkHoldConfirm(b *testing.B) {
	f := newFixture(b, 50, nil)
	ctx := context.Background()
	st := booking.DefaultSettings(f.office.ID)
	st.MaxPerEmail, st.MaxPerCF = 1<<30, 1<<30
	if err := f.st.SaveBookingSettings(ctx, st); err != nil {
		b.Fatal(err)
	}
	var starts []time.Time
	for d := 1; d <= 58; d++ {
		for k := 0; k < 9; k++ {
			if s := at(d, 9, 0).Add(time.Duration(k) * 20 * time.Minute); s.Weekday() != time.Sunday {
				starts = append(starts, s)
			}
		}
	}
	for i := 0; b.Loop(); i++ {
		start := starts[(i/50)%len(starts)] // 50 counters: each slot fills, then the next
		_, tok, err := f.e.Hold(ctx, f.req(start, 1, booking.Consecutive), "it", "citizen")
		if err != nil {
			b.Fatalf("hold %d: %v", i, err)
		}
		if _, err := f.e.Confirm(ctx, tok, []booking.Person{person(i % 100)}, contact(i)); err != nil {
			b.Fatalf("confirm %d: %v", i, err)
		}
	}
}

// BenchmarkAvailability measures a week's availability when the cache is cold (the
// engine's cache is dropped each time) and when it is warm.
func BenchmarkAvailability(b *testing.B) {
	f := newFixture(b, 4, nil)
	ctx := context.Background()
	q := engine.Query{OfficeID: f.office.ID, ServiceID: f.svc.ID, People: 1, From: at(1, 0, 0), To: at(7, 0, 0)}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			f.e.Invalidate(f.office.ID)
			if _, err := f.e.Availability(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.e.Availability(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
