package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignBookingReminded: a citizen who confirmed a campaign proposal gets the
// office's reminder before the appointment like any online booking, nothing else from
// the engine (the campaign sends its own confirmation), and after a move only the
// reminder for the new time.
func TestCampaignBookingReminded(t *testing.T) {
	sink := smtptest.Start(t)
	f := newFixture(t, 1, &mail.SMTP{Addr: sink.Addr, From: "Sportello <noreply@comune.example>", Timeout: 5 * time.Second})
	ctx := context.Background()
	first, moved := at(8, 9, 0), at(9, 10, 0)
	var id int64
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		b, err := f.e.BookCampaign(ctx, tx, f.office.ID, first, person(1), "cittadino1@example.it", "")
		if b != nil {
			id = b.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error {
		_, err := f.e.MoveCampaign(ctx, tx, id, f.office.ID, moved)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("%d engine e-mails at confirmation, want 0 (the campaign confirms)", n)
	}
	f.clock.Set(first.Add(-24 * time.Hour))
	f.drain(t)
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("reminder for the time the citizen moved away from (%d e-mails)", n)
	}
	f.clock.Set(moved.Add(-24 * time.Hour))
	f.drain(t)
	got := sink.Wait(t, 1, 5*time.Second)
	if s := subjects(got, t); !strings.HasPrefix(s[0], "Promemoria appuntamento") || got[0].To[0] != "cittadino1@example.it" {
		t.Fatalf("reminder %q to %v", s, got[0].To)
	}
	p, err := smtptest.Parse(got[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "10:00") {
		t.Errorf("reminder does not give the moved time 10:00:\n%s", p.Text)
	}
	f.drain(t)
	if n := len(sink.Messages()); n != 1 {
		t.Errorf("%d e-mails in all, want 1", n)
	}
}
