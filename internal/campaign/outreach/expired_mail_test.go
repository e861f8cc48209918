package outreach

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// TestExpiryWithoutReplanCancelsEvent: when nothing can be re-planned (past the
// campaign's last week), every citizen whose e-mailed proposal expired gets one
// e-mail that takes the tentative event out of the calendar (METHOD:CANCEL, same UID,
// a higher SEQUENCE) and says a new proposal follows when places free up, or to book
// at /prenota; letters' citizens get none, and a second pass sends nothing again.
func TestExpiryWithoutReplanCancelsEvent(t *testing.T) {
	f := newFixture(t, 20, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f.mail.mu.Lock()
	f.mail.sent = nil
	f.mail.mu.Unlock()
	emailed := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)
	if len(emailed) == 0 {
		t.Fatal("fixture: nothing e-mailed")
	}
	f.clock.Add(13 * 7 * 24 * time.Hour) // the campaign has 12 weeks
	res, err := f.svc.Expire(ctx)
	if err != nil || res.Run != nil || res.Expired != 20 {
		t.Fatalf("expire %+v %v, want 20 expired and no re-plan", res, err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range emailed {
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		ms := f.mailsTo(c.Email)
		if len(ms) != 1 {
			t.Fatalf("proposal %d: %d expiry e-mails, want 1", p.ID, len(ms))
		}
		m := ms[0]
		at := f.svc.At(p.Day, p.Minute)
		wantLines(t, "expiry notice", m.Subject, "proposta annullata", "proposal cancelled")
		wantLines(t, "expiry notice", m.Text, "non è stato confermato entro il "+p.Deadline.In(f.svc.Loc).Format("02/01/2006")+" ed è stato annullato",
			itDate(at)+", ore "+at.Format("15:04"), "nuova proposta appena se ne liberano", "https://comune.example/prenota",
			"was not confirmed", "new proposal as soon as places free up")
		wantLines(t, "expiry ICS", icsOf(t, m), "METHOD:CANCEL", "STATUS:CANCELLED", "UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "SEQUENCE:1")
		if !strings.Contains(m.Attachments[0].ContentType, "method=CANCEL") {
			t.Fatalf("content type %q", m.Attachments[0].ContentType)
		}
	}
	f.mail.mu.Lock()
	rest := len(f.mail.sent)
	f.mail.mu.Unlock()
	if rest != 0 {
		t.Fatalf("%d e-mails to letters' citizens or others", rest)
	}
	if _, err := f.svc.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != 0 {
		t.Fatalf("a second pass sent %d e-mails", len(f.mail.sent))
	}
}
