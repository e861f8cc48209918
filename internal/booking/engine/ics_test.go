package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/mail"
)

// keptMail keeps what was sent.
type keptMail struct {
	mu   sync.Mutex
	sent []*mail.Message
}

func (k *keptMail) Send(_ context.Context, m *mail.Message) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sent = append(k.sent, m)
	return nil
}

func (k *keptMail) take() []*mail.Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.sent
	k.sent = nil
	return out
}

func calOf(t *testing.T, m *mail.Message) string {
	t.Helper()
	if len(m.Attachments) != 1 {
		t.Fatalf("%q: %d attachments, want the calendar file", m.Subject, len(m.Attachments))
	}
	return strings.ReplaceAll(string(m.Attachments[0].Data), "\r\n ", "") // unfolded (RFC 5545 §3.1)
}

func has(t *testing.T, what, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Fatalf("%s lacks %q:\n%s", what, l, text)
		}
	}
}

// TestBookingCalendarUpdates: the booking e-mails' calendar files name the comune as
// organiser and the citizen as attendee, keep one UID and raise the sequence on
// every change, so a move replaces the event and a cancellation (METHOD:CANCEL)
// removes it; a booking the campaign made keeps the campaign's event UID.
func TestBookingCalendarUpdates(t *testing.T) {
	km := &keptMail{}
	f := newFixture(t, 2, km)
	f.e.Organizer = booking.ParseParty("Comune di Prova <anagrafe@comune.example>")
	ctx := context.Background()
	b := f.book(t, at(3, 9, 0), 1)
	f.drain(t)
	uid := "UID:booking-" + b.Code + "@sportello"
	ms := km.take()
	if len(ms) != 1 {
		t.Fatalf("%d mails after booking", len(ms))
	}
	has(t, "confirmation ICS", calOf(t, ms[0]), "METHOD:REQUEST", "STATUS:CONFIRMED", uid, "SEQUENCE:1",
		"ORGANIZER;CN=Comune di Prova:mailto:anagrafe@comune.example", "ATTENDEE;", "mailto:cittadino1@example.it", "CN=Mario Rossi1", "RSVP=FALSE")
	has(t, "content type", ms[0].Attachments[0].ContentType, "method=REQUEST")

	moved, err := f.e.Move(ctx, b.ID, 0, at(3, 10, 0), "clerk")
	if err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	ms = km.take()
	if len(ms) != 1 {
		t.Fatalf("%d mails after the move", len(ms))
	}
	has(t, "move ICS", calOf(t, ms[0]), "METHOD:REQUEST", uid, "SEQUENCE:2", "ORGANIZER;")

	if _, err := f.e.Cancel(ctx, moved.ID, 0, "clerk"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	ms = km.take()
	if len(ms) != 1 {
		t.Fatalf("%d mails after the cancellation", len(ms))
	}
	has(t, "cancel ICS", calOf(t, ms[0]), "METHOD:CANCEL", "STATUS:CANCELLED", uid, "SEQUENCE:3", "ORGANIZER;", "mailto:cittadino1@example.it")
	has(t, "content type", ms[0].Attachments[0].ContentType, "method=CANCEL")

	// the campaign's hook names another module's event: its cancellation goes there
	f.e.CalendarUID = func(_ context.Context, bk *booking.Booking) (string, int, error) {
		if bk.ID == b.ID {
			return "campaign-7@sportello", 5, nil
		}
		return "", 5, nil
	}
	c := f.book(t, at(4, 9, 0), 2)
	if _, err := f.e.Cancel(ctx, c.ID, 0, "clerk"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	for _, m := range km.take() {
		if cal := calOf(t, m); !strings.Contains(cal, "UID:booking-"+c.Code+"@sportello") || strings.Contains(cal, "SEQUENCE:7") {
			t.Fatalf("a booking the hook does not name lost its UID:\n%s", cal)
		}
	}
	f.e.CalendarUID = func(context.Context, *booking.Booking) (string, int, error) { return "campaign-7@sportello", 5, nil }
	d := f.book(t, at(4, 10, 0), 3)
	f.drain(t)
	ms = km.take()
	if len(ms) != 1 {
		t.Fatalf("%d mails", len(ms))
	}
	has(t, "hooked ICS", calOf(t, ms[0]), "UID:campaign-7@sportello", "SEQUENCE:6") // the hook's base + version 1
	if strings.Contains(calOf(t, ms[0]), d.Code+"@sportello") {
		t.Fatal("booking UID kept despite the hook")
	}
}
