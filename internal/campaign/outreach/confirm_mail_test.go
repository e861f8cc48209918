package outreach

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/store"
)

// mailsTo takes the messages sent to addr so far, and forgets them.
func (f *fixture) mailsTo(addr string) []*mail.Message {
	f.mail.mu.Lock()
	defer f.mail.mu.Unlock()
	var out, rest []*mail.Message
	for _, m := range f.mail.sent {
		if m.To[0] == addr {
			out = append(out, m)
		} else {
			rest = append(rest, m)
		}
	}
	f.mail.sent = rest
	return out
}

func icsOf(t *testing.T, m *mail.Message) string {
	t.Helper()
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want the calendar file", len(m.Attachments))
	}
	// unfolded (RFC 5545 §3.1), so a long line is matched whole
	return strings.ReplaceAll(strings.ReplaceAll(string(m.Attachments[0].Data), "\r\n ", ""), "\r\n", "\n")
}

func wantLines(t *testing.T, what, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Fatalf("%s lacks %q:\n%s", what, l, text)
		}
	}
}

// TestConfirmationMail: the proposal's calendar event is tentative; confirming or
// changing through the link sends each confirmed citizen with an e-mail (every
// household member confirmed together) a confirmation with the booking code, the
// comune's contact and a calendar request that updates the proposal's event (same
// UID, confirmed, higher sequence, from the comune as ORGANIZER to the citizen as
// ATTENDEE, which Outlook needs to apply it as an update); a decline cancels the
// proposal's event (METHOD:CANCEL, same UID, higher sequence).
func TestConfirmationMail(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	withEngine(t, f)
	f.svc.Phone = "02 1234 5678"
	f.svc.Organizer = booking.ParseParty("anagrafe@comune.example") // no name: the comune's
	organizer := "ORGANIZER;CN=" + f.svc.Comune + ":mailto:anagrafe@comune.example"
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	emailOf := func(p *store.CampaignProposal) string {
		c, err := f.st.CampaignCitizen(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		return c.Email
	}
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail) {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	var singles, hh []*store.CampaignProposal
	for _, m := range byHH {
		if len(m) == 1 {
			singles = append(singles, m[0])
		} else if hh == nil {
			hh = m
		}
	}
	if len(singles) < 3 || hh == nil {
		t.Fatalf("fixture: %d singles, household %v", len(singles), hh)
	}
	check := func(p *store.CampaignProposal) {
		t.Helper()
		ms := f.mailsTo(emailOf(p))
		if len(ms) != 1 {
			t.Fatalf("proposal %d: %d confirmation mails, want 1", p.ID, len(ms))
		}
		after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
		at := f.svc.At(after.Day, after.Minute)
		b := dayBookings(t, f, after.OfficeID, after.Day)[after.CF]
		if b == nil {
			t.Fatalf("proposal %d confirmed without a booking", p.ID)
		}
		wantLines(t, "confirmation", ms[0].Text, "confermato", b.Code, f.svc.Comune, f.svc.Phone, at.Format("15:04"), "cambiare o annullare", "change or cancel")
		mailedLink(t, f, after, ms[0].Text)
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		wantLines(t, "confirmation ICS", icsOf(t, ms[0]), "METHOD:REQUEST", "STATUS:CONFIRMED", "SEQUENCE:1",
			"UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "DTSTART:"+at.UTC().Format("20060102T150405Z"),
			organizer, "ATTENDEE;CN="+c.GivenNames+" "+c.FamilyName+";PARTSTAT=ACCEPTED", "RSVP=FALSE:mailto:"+c.Email)
	}

	// the proposal mail's event is tentative, with the UID the confirmation updates
	p := singles[0]
	ms := f.mailsTo(emailOf(p))
	if len(ms) != 1 {
		t.Fatalf("%d proposal mails, want 1", len(ms))
	}
	prop := icsOf(t, ms[0])
	wantLines(t, "proposal ICS", prop, "STATUS:TENTATIVE", "UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "SEQUENCE:0",
		organizer)
	if strings.Contains(prop, "ATTENDEE") { // RFC 5546 §3.2.1: a PUBLISH names no attendees
		t.Fatalf("proposal ICS names attendees:\n%s", prop)
	}
	if strings.Contains(prop, "STATUS:CONFIRMED") {
		t.Fatalf("proposal ICS confirmed before the answer:\n%s", prop)
	}

	// confirm
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	check(p)

	// change: the confirmation carries the new time
	p = singles[1]
	f.mailsTo(emailOf(p))
	v, err := f.svc.Open(ctx, f.svc.Token(p))
	if err != nil || len(v.Slots) == 0 {
		t.Fatalf("alternatives: %v, %d", err, len(v.Slots))
	}
	if _, err := f.svc.Change(ctx, f.svc.Token(p), v.Slots[len(v.Slots)-1].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	check(p)

	// decline: the tentative event is cancelled
	p = singles[2]
	f.mailsTo(emailOf(p))
	if _, err := f.svc.Decline(ctx, f.svc.Token(p)); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if ms := f.mailsTo(emailOf(p)); len(ms) != 1 {
		t.Fatalf("decline sent %d mails, want the calendar cancellation", len(ms))
	} else {
		wantLines(t, "decline ICS", icsOf(t, ms[0]), "METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1",
			"UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", organizer)
		wantLines(t, "decline mail", ms[0].Attachments[0].ContentType, "method=CANCEL")
		wantLines(t, "decline mail", ms[0].Text, "rinuncia", "declined")
	}

	// the household: every member gets their own confirmation
	for _, m := range hh {
		f.mailsTo(emailOf(m))
	}
	if _, err := f.svc.Confirm(ctx, f.svc.Token(hh[0]), true); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range hh {
		check(m)
	}
}

var linkRE = regexp.MustCompile(`https://comune\.example/c/[A-Za-z0-9_-]+`)

// mailedLink checks that the confirmation text of p gives, in its Italian and its
// English part, p's current personal link, and that the link opens p's confirmed
// appointment (to change or cancel it); it returns the link's token.
func mailedLink(t *testing.T, f *fixture, p *store.CampaignProposal, text string) string {
	t.Helper()
	it, en, ok := strings.Cut(text, "\n---\n")
	if !ok {
		t.Fatalf("confirmation without its English part:\n%s", text)
	}
	want := f.svc.Link(p)
	for _, part := range []string{it, en} {
		if got := linkRE.FindString(part); got != want {
			t.Fatalf("confirmation part gives link %q, want the current %q:\n%s", got, want, part)
		}
	}
	token := strings.TrimPrefix(want, "https://comune.example/c/")
	v, err := f.svc.Open(context.Background(), token)
	if err != nil || v.Proposal.ID != p.ID || v.Proposal.State != store.ProposalConfirmed {
		t.Fatalf("the mailed link does not open the confirmed appointment: %v", err)
	}
	return token
}

// TestMovedMailLink: the e-mail to a household member moved by a relative gives the
// member's own current link, in Italian and English, and with it the member can
// change the time the relative chose without calling.
func TestMovedMailLink(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	var hh []*store.CampaignProposal
	var moved *store.CampaignCitizen
	for _, m := range households(byHH) {
		c, _ := f.st.CampaignCitizen(ctx, m[1].CF)
		if c.Email != "" && !c.EmailBad {
			hh, moved = m, c
			break
		}
	}
	if hh == nil {
		t.Fatal("fixture: no household whose second member has an address")
	}
	for _, m := range hh {
		c, _ := f.st.CampaignCitizen(ctx, m.CF)
		f.mailsTo(c.Email)
	}
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil || len(v.GroupDays) == 0 {
		t.Fatalf("household choices: %v", err)
	}
	last := v.GroupDays[len(v.GroupDays)-1]
	if _, err := f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), last.Times[len(last.Times)-1].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms := f.mailsTo(moved.Email)
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "spostato da un familiare") {
		t.Fatalf("%d mails to the moved member, want the 'moved by a relative' one", len(ms))
	}
	after, _ := f.st.CampaignProposal(ctx, nil, hh[1].ID)
	wantLines(t, "moved mail", ms[0].Text, "link personale", "personal link")
	token := mailedLink(t, f, after, ms[0].Text)
	mine, err := f.svc.Open(ctx, token)
	if err != nil || len(mine.Slots) == 0 {
		t.Fatalf("the moved member's alternatives: %v", err)
	}
	if _, err := f.svc.Change(ctx, token, mine.Slots[0].ID); err != nil {
		t.Fatalf("changing through the mailed link: %v", err)
	}
}
