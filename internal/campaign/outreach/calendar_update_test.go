package outreach

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// TestClerkChangesUpdateCampaignEvent: once confirmed, a campaign appointment's
// booking e-mails (a clerk's move, a clerk's cancellation) update the event the
// campaign's e-mails put in the citizen's calendar: the proposal's UID, the comune as
// organiser, and a sequence above the confirmation's, so the move replaces the event
// and the cancellation (METHOD:CANCEL) removes it instead of leaving a stale one.
func TestClerkChangesUpdateCampaignEvent(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	f.svc.Organizer = booking.ParseParty("Comune di Prova <anagrafe@comune.example>")
	e.Organizer = f.svc.organizer()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	p := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)[0]
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	uid := "UID:campaign-" + strconv.FormatInt(p.ID, 10) + "@sportello"
	ms := f.mailsTo(c.Email)
	if len(ms) != 2 { // the proposal, the confirmation
		t.Fatalf("%d mails before the clerk's changes", len(ms))
	}
	wantLines(t, "confirmation ICS", icsOf(t, ms[1]), uid, "SEQUENCE:1", "METHOD:REQUEST")

	id, err := f.st.CampaignBookingID(ctx, nil, p.ID)
	if err != nil || id == 0 {
		t.Fatalf("booking of the confirmed proposal: %d %v", id, err)
	}
	b, err := f.st.BookingByID(ctx, f.st.Reader(), id)
	if err != nil {
		t.Fatal(err)
	}
	// the appointment's day has come close enough for the clerk to reschedule
	var moved bool
	for _, d := range []time.Duration{20, 40, 60, -20, -40, 80, 100} {
		if _, err := e.Move(ctx, b.ID, 0, b.Start.Add(d*time.Minute), "clerk"); err == nil {
			moved = true
			break
		}
	}
	if !moved {
		t.Fatal("no free time to move the booking to")
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms = f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails after the clerk's move", len(ms))
	}
	wantLines(t, "move ICS", icsOf(t, ms[0]), uid, "SEQUENCE:2", "METHOD:REQUEST", "ORGANIZER;CN=Comune di Prova:mailto:anagrafe@comune.example")

	if _, err := e.Cancel(ctx, b.ID, 0, "clerk"); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms = f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails after the clerk's cancellation", len(ms))
	}
	wantLines(t, "cancel ICS", icsOf(t, ms[0]), uid, "SEQUENCE:3", "METHOD:CANCEL", "STATUS:CANCELLED")
}

// TestReproposalRaisesSequence: a proposal that expired and was re-proposed in place
// keeps its row and so its calendar UID; the new proposal e-mail moves the event the
// first one created, so its sequence is above the first's (one per earlier attempt),
// and the confirmation's above that.
func TestReproposalRaisesSequence(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	withEngine(t, f)
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
	f.clock.Add(26 * 24 * time.Hour) // past every deadline
	if _, err := f.svc.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var p *store.CampaignProposal
	for _, q := range f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail) {
		if as, _ := f.st.CampaignProposalAttempts(ctx, nil, q.ID); len(as) == 1 {
			p = q
			break
		}
	}
	if p == nil {
		t.Fatal("no e-mailed proposal re-proposed in place")
	}
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	uid := "UID:campaign-" + strconv.FormatInt(p.ID, 10) + "@sportello"
	ms := f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails for the re-proposal", len(ms))
	}
	wantLines(t, "re-proposal ICS", icsOf(t, ms[0]), uid, "SEQUENCE:1", "STATUS:TENTATIVE")
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms = f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails for the confirmation", len(ms))
	}
	wantLines(t, "confirmation ICS", icsOf(t, ms[0]), uid, "SEQUENCE:2", "METHOD:REQUEST")
}
