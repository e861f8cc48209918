package outreach

import (
	"context"
	"strconv"
	"testing"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/store"
)

// call runs a keypad call through the dialogue: letter code, birth year, then keys.
func call(t *testing.T, f *fixture, code string, keys ...string) *phonebot.Dialog {
	t.Helper()
	d := phonebot.New(&phonebot.Guard{Backend: Phone{S: f.svc}}, f.svc.Loc) // as the app wires it
	d.Start()
	for _, k := range append([]string{code + "#", "1960#"}, keys...) {
		if _, err := d.Input(context.Background(), k); err != nil {
			t.Fatalf("keys %q: %v", k, err)
		}
	}
	return d
}

// TestPhoneConfirmationMail: a citizen who confirms, or picks another time, on the
// phone line and has a working e-mail gets the same confirmation e-mail as the link
// sends (booking code, calendar request updating the proposal's event); one without
// an e-mail gets nothing, having heard the details on the line.
func TestPhoneConfirmationMail(t *testing.T) {
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
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state = ?", store.ProposalProposed) {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	var withMail, withoutMail []*store.CampaignProposal
	for _, m := range byHH {
		if len(m) != 1 {
			continue
		}
		c, err := f.st.CampaignCitizen(ctx, m[0].CF)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.Email != "" && !c.EmailBad:
			withMail = append(withMail, m[0])
		case c.Email == "":
			withoutMail = append(withoutMail, m[0])
		}
	}
	if len(withMail) < 2 || len(withoutMail) < 1 {
		t.Fatalf("fixture: %d with e-mail, %d without", len(withMail), len(withoutMail))
	}
	f.mail.mu.Lock()
	f.mail.sent = nil // the proposals
	f.mail.mu.Unlock()

	check := func(p *store.CampaignProposal, d *phonebot.Dialog) {
		t.Helper()
		if d.State() != phonebot.Confirmed {
			t.Fatalf("proposal %d: call ended in %s", p.ID, d.State())
		}
		after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
		if after.State != store.ProposalConfirmed || after.DecidedVia != ViaPhone {
			t.Fatalf("after the call: %+v", after)
		}
		if err := f.q.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		ms := f.mailsTo(c.Email)
		if len(ms) != 1 {
			t.Fatalf("proposal %d: %d confirmation mails after the call, want 1", p.ID, len(ms))
		}
		at := f.svc.At(after.Day, after.Minute)
		b := dayBookings(t, f, after.OfficeID, after.Day)[after.CF]
		if b == nil {
			t.Fatalf("proposal %d confirmed by phone without a booking", p.ID)
		}
		wantLines(t, "phone confirmation", ms[0].Text, "confermato", b.Code, at.Format("15:04"), "confirmed")
		wantLines(t, "phone confirmation ICS", icsOf(t, ms[0]), "METHOD:REQUEST", "STATUS:CONFIRMED",
			"UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "DTSTART:"+at.UTC().Format("20060102T150405Z"))
	}

	// 1: the proposal as it is
	p := withMail[0]
	check(p, call(t, f, p.LetterCode, "1"))

	// 2 then 1: the next alternative, and the mail says the new time
	p = withMail[1]
	d := call(t, f, p.LetterCode, "2", "1")
	after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
	if after.Day == p.Day && after.Minute == p.Minute && after.OfficeID == p.OfficeID {
		t.Fatal("the alternative chosen on the phone did not move the proposal")
	}
	check(p, d)

	// no e-mail: nothing is sent
	p = withoutMail[0]
	if d := call(t, f, p.LetterCode, "1"); d.State() != phonebot.Confirmed {
		t.Fatalf("call ended in %s", d.State())
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f.mail.mu.Lock()
	n := len(f.mail.sent)
	f.mail.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d mails for a citizen without e-mail", n)
	}
}
