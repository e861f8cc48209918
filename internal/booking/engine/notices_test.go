package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/mail/smtptest"
)

// drain runs every job due at the fixture's clock.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	if err := f.q.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func subjects(ds []smtptest.Delivery, t *testing.T) []string {
	var out []string
	for _, d := range ds {
		p, err := smtptest.Parse(d.Raw)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Subject)
	}
	return out
}

// TestNoticesFireOnTime books 22 days ahead at an office that asks for reconfirmation
// (10 days before, deadline 72 hours before) and walks the clock: confirmation at once
// with an ICS, nothing early, the request at 10 days, the reminder at 24 hours for the
// reconfirmed booking, and automatic cancellation at the deadline for the other.
func TestNoticesFireOnTime(t *testing.T) {
	sink := smtptest.Start(t)
	f := newFixture(t, 2, &mail.SMTP{Addr: sink.Addr, From: "Sportello <noreply@comune.example>", Timeout: 5 * time.Second})
	ctx := context.Background()
	st := booking.DefaultSettings(f.office.ID)
	st.Reconfirm = true
	if err := f.st.SaveBookingSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	start := at(22, 9, 0) // Tuesday 15 December
	keep := f.book(t, start, 1)
	drop := f.book(t, start, 2)
	if !keep.ReconfirmRequired {
		t.Fatal("reconfirmation not required")
	}
	f.drain(t)
	got := sink.Wait(t, 2, 5*time.Second)
	p, err := smtptest.Parse(got[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Subject, "Prenotazione confermata") || !strings.Contains(p.Text, "/prenota/gestisci/") || !strings.Contains(p.Text, "RSSMRA******") {
		t.Errorf("confirmation: %q\n%s", p.Subject, p.Text)
	}
	if strings.Contains(p.Text, cf(1)) {
		t.Error("codice fiscale in clear in the e-mail")
	}
	if len(p.Attachments) != 1 {
		t.Fatalf("attachments %d", len(p.Attachments))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(p.Attachments[0].Data)))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics: %v", err)
	}
	if s, err := cal.Events()[0].GetStartAt(); err != nil || !s.Equal(start) {
		t.Errorf("ics start %v %v, want %v", s, err, start)
	}

	// One minute before the request: nothing.
	f.clock.Set(start.Add(-10*24*time.Hour - time.Minute))
	f.drain(t)
	if n := len(sink.Messages()); n != 2 {
		t.Fatalf("%d messages before the request time", n)
	}
	f.clock.Set(start.Add(-10 * 24 * time.Hour))
	f.drain(t)
	got = sink.Wait(t, 4, 5*time.Second)
	for _, s := range subjects(got[2:], t) {
		if !strings.HasPrefix(s, "Confermi il suo appuntamento") {
			t.Errorf("request subject %q", s)
		}
	}
	if _, err := f.e.Reconfirm(ctx, keep.ID, keep.Version); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(start.Add(-72*time.Hour - time.Minute))
	f.drain(t)
	if b, _ := f.st.BookingByID(ctx, f.st.Reader(), drop.ID); b.State != booking.StateConfirmed {
		t.Fatalf("cancelled before the deadline: %s", b.State)
	}
	f.clock.Set(start.Add(-72 * time.Hour))
	f.drain(t)
	if b, _ := f.st.BookingByID(ctx, f.st.Reader(), drop.ID); b.State != booking.StateCancelled {
		t.Fatalf("not cancelled at the deadline: %s", b.State)
	}
	if b, _ := f.st.BookingByID(ctx, f.st.Reader(), keep.ID); b.State != booking.StateConfirmed {
		t.Fatalf("reconfirmed booking cancelled: %s", b.State)
	}
	got = sink.Wait(t, 5, 5*time.Second)
	if s := subjects(got[4:], t); !strings.HasPrefix(s[0], "Prenotazione annullata per mancata conferma") || got[4].To[0] != "cittadino2@example.it" {
		t.Errorf("auto-cancel mail %q to %v", s, got[4].To)
	}
	f.clock.Set(start.Add(-24 * time.Hour))
	f.drain(t)
	got = sink.Wait(t, 6, 5*time.Second)
	if s := subjects(got[5:], t); !strings.HasPrefix(s[0], "Promemoria appuntamento") || got[5].To[0] != "cittadino1@example.it" {
		t.Errorf("reminder %q to %v", s, got[5].To)
	}
	f.drain(t)
	if n := len(sink.Messages()); n != 6 {
		t.Errorf("%d messages in all, want 6 (no reminder for the cancelled booking)", n)
	}
}

// TestMailRetriedAfterSMTPFailure: a temporary SMTP error leaves the job queued and it
// is delivered on the next attempt.
func TestMailRetriedAfterSMTPFailure(t *testing.T) {
	sink := smtptest.Start(t)
	f := newFixture(t, 1, &mail.SMTP{Addr: sink.Addr, From: "noreply@comune.example", Timeout: 5 * time.Second})
	sink.FailNext(1)
	f.book(t, at(2, 9, 0), 1)
	f.drain(t)
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("%d delivered despite failure", n)
	}
	f.clock.Add(2 * time.Second)
	f.drain(t)
	sink.Wait(t, 1, 5*time.Second)
}
