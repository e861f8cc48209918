package outreach

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/store"
)

// TestClerkCancelReplansAtOnce: a clerk cancels a confirmed campaign appointment with
// a reason. In the same commit the proposal is cancelled and the citizen is back in
// the pool (not an hour later at the sync), and the e-mail says what the system
// does: Italian first then English, with the reason, "a new proposal will come",
// /prenota still open, and a calendar cancellation of the proposal's event. The
// sync then finds nothing left to follow.
func TestClerkCancelReplansAtOnce(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	e.Cancelled = f.svc.BookingCancelled
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
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
	f.mailsTo(c.Email) // the proposal and the confirmation
	id, err := f.st.CampaignBookingID(ctx, nil, p.ID)
	if err != nil || id == 0 {
		t.Fatalf("booking of the confirmed proposal: %d %v", id, err)
	}
	if _, err := e.CancelFor(ctx, id, "user:clerk", "  sportello chiuso\tper un guasto  "); err != nil {
		t.Fatal(err)
	}
	after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
	c2, _ := f.st.CampaignCitizen(ctx, p.CF)
	if after.State != store.ProposalCancelled || c2.State != store.CitizenNew {
		t.Fatalf("right after the clerk's cancellation: proposal %s, citizen %s; want cancelled, new", after.State, c2.State)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms := f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails after the clerk's cancellation", len(ms))
	}
	text := ms[0].Text
	wantLines(t, "cancellation mail", text, "è stato annullato", "Motivo: sportello chiuso per un guasto",
		"Riceverà una nuova proposta", "https://comune.example/prenota",
		"has been cancelled", "Reason: sportello chiuso per un guasto", "You will receive a new appointment proposal")
	if it, en := strings.Index(text, "Riceverà"), strings.Index(text, "You will receive"); it > en {
		t.Fatalf("English before Italian:\n%s", text)
	}
	if !strings.Contains(ms[0].Subject, "annullato / appointment cancelled") {
		t.Fatalf("subject %q", ms[0].Subject)
	}
	// the event the campaign's mails created, removed (not a stray booking UID)
	wantLines(t, "cancel ICS", icsOf(t, ms[0]), "UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "METHOD:CANCEL")
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("sync after the hook changed %+v (%v)", res, err)
	}
}
