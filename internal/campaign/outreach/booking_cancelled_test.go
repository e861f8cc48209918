package outreach

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
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

// TestReplanSkipsSelfBooked: a campaign citizen whose appointment a clerk cancelled
// is back in the pool and books at /prenota (here through the desk: any booking not
// the campaign's), as the cancellation e-mail allows; the re-plan's pool leaves them
// out, so they get no proposal on top of their own booking. When they cancel it, the
// next re-plan finds them again.
func TestReplanSkipsSelfBooked(t *testing.T) {
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
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
		t.Fatal(err)
	}
	id, _ := f.st.CampaignBookingID(ctx, nil, p.ID)
	cb, err := e.CancelFor(ctx, id, "user:clerk", "")
	if err != nil {
		t.Fatal(err)
	}
	pool := func() map[string]bool {
		t.Helper()
		cs, err := f.st.PlanCitizens(ctx, []string{store.CitizenNew})
		if err != nil {
			t.Fatal(err)
		}
		if cs, err = f.svc.withoutSelfBooked(ctx, cs); err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, c := range cs {
			in[c.CF] = true
		}
		return in
	}
	if !pool()[p.CF] {
		t.Fatal("the cancelled citizen is not in the re-plan's pool")
	}
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	var own *booking.Booking
	for d := 1; own == nil && d < 200; d++ {
		r := engine.Request{OfficeID: cb.OfficeID, ServiceID: cb.ServiceID, Start: cb.Start.Add(time.Duration(d*20) * time.Minute), People: 1, Mode: booking.Consecutive}
		own, _ = e.BookFor(ctx, r, []booking.Person{{Name: c.GivenNames, Surname: c.FamilyName, CF: strings.ToLower(p.CF)}},
			booking.Contact{Email: c.Email, Phone: "+39 02 1234567", Lang: "it"}, "user:clerk")
	}
	if own == nil {
		t.Fatal("no free time for the citizen's own booking")
	}
	if c, _ := f.st.CampaignCitizen(ctx, p.CF); c.State != store.CitizenNew {
		t.Fatalf("citizen %s after booking themselves: the pool is where they wait", c.State)
	}
	if pool()[p.CF] {
		t.Fatal("the re-plan's pool still holds the citizen who booked themselves")
	}
	// and the re-plan itself proposes nothing to them
	if _, err := f.svc.Plan(ctx, KindReplan); err != nil && model.ErrorCode(err) != model.EINVALID {
		t.Fatal(err)
	}
	if ps := f.proposals(t, "cf = ? AND state IN (?, ?)", p.CF, store.ProposalPlanned, store.ProposalProposed); len(ps) != 0 {
		t.Fatalf("a re-plan proposed %s again on top of their own booking", ps[0].Day)
	}
	if _, err := e.Cancel(ctx, own.ID, 0, "citizen"); err != nil {
		t.Fatal(err)
	}
	if !pool()[p.CF] {
		t.Fatal("the citizen's own booking cancelled, but they are still left out of the re-plan")
	}
}
