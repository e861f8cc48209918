package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
)

// TestClerkCancelGivesReason: the reason a clerk types when cancelling an ordinary
// booking is in the citizen's e-mail, in their language's wording, which stays the
// usual one (book again at /prenota: no campaign follows an ordinary booking); a
// reason too long for an e-mail is refused and cancels nothing.
func TestClerkCancelGivesReason(t *testing.T) {
	sink := smtptest.Start(t)
	f := newFixture(t, 2, &mail.SMTP{Addr: sink.Addr, From: "Sportello <noreply@comune.example>", Timeout: 5 * time.Second})
	ctx := context.Background()
	b := f.book(t, at(5, 9, 0), 1)
	f.drain(t)
	sink.Wait(t, 1, 5*time.Second) // the confirmation
	if _, err := f.e.CancelFor(ctx, b.ID, "user:clerk", strings.Repeat("x", 301)); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("a 301-character reason: %v, want refused", err)
	}
	if _, err := f.e.CancelFor(ctx, b.ID, "user:clerk", "l'ufficio resta chiuso\nper lavori"); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	got := sink.Wait(t, 2, 5*time.Second)
	p, err := smtptest.Parse(got[1].Raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"è stata annullata", "Motivo: l'ufficio resta chiuso per lavori", "Per prenotare di nuovo:"} {
		if !strings.Contains(p.Text, want) {
			t.Fatalf("cancellation mail lacks %q:\n%s", want, p.Text)
		}
	}
	if strings.Contains(p.Text, "nuova proposta") {
		t.Fatalf("an ordinary booking's mail promises a campaign proposal:\n%s", p.Text)
	}
}
