package outreach

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// TestNoShowBackToReplan: a campaign citizen the clerk marks as no-show stays
// confirmed during the appointment's day (the clerk may still correct it); once the
// day is over the hourly sync cancels the proposal via no_show, puts the citizen back
// to new and writes it in the audit log; the dashboard's channel counts no longer
// count it confirmed, the no-show count has it, and the next re-plan proposes the
// citizen a new appointment. A second sync changes nothing.
func TestNoShowBackToReplan(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	// the earliest appointment of a household of one by e-mail, so the re-plan has
	// weeks left and the new proposal goes out as an e-mail to read
	byHH := map[string]int{}
	ps := f.proposals(t, "state = ?", store.ProposalProposed)
	for _, p := range ps {
		byHH[p.Household]++
	}
	var p *store.CampaignProposal
	for _, q := range ps {
		if byHH[q.Household] == 1 && q.Channel == store.ChannelEmail && (p == nil || q.Day < p.Day) {
			p = q
		}
	}
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
		t.Fatal(err)
	}
	b := dayBookings(t, f, p.OfficeID, p.Day)[p.CF]
	if b == nil {
		t.Fatal("confirmed without a booking")
	}
	confirmed := func() int {
		t.Helper()
		cs, err := f.st.ProposalsByChannel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range cs {
			if c.Key == p.Channel && c.Key2 == store.ProposalConfirmed {
				n += c.Count
			}
		}
		return n
	}
	before := confirmed()

	// the appointment's day: the clerk marks the no-show, the sync leaves it
	f.clock.Add(b.Start.Add(3 * time.Hour).Sub(f.clock.Now()))
	if _, err := e.SetStatus(ctx, b.ID, booking.StateNoShow, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("sync on the appointment's day changed %+v (%v)", res, err)
	}
	if after, _ := f.st.CampaignProposal(ctx, nil, p.ID); after.State != store.ProposalConfirmed {
		t.Fatalf("no-show settled while the clerk may still correct it: %s", after.State)
	}

	// the day after: back to the pool
	f.clock.Add(24 * time.Hour)
	res, err := f.svc.SyncBookings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res != (SyncResult{NoShow: 1}) {
		t.Fatalf("sync after the day %+v, want one no-show", res)
	}
	after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	if after.State != store.ProposalCancelled || after.DecidedVia != ViaNoShow || c.State != store.CitizenNew {
		t.Fatalf("after the no-show: proposal %s via %s, citizen %s", after.State, after.DecidedVia, c.State)
	}
	if bb, _ := f.st.BookingByID(ctx, f.st.Reader(), b.ID); bb.State != booking.StateNoShow {
		t.Fatalf("the agenda's booking became %s", bb.State)
	}
	if n := confirmed(); n != before-1 {
		t.Fatalf("dashboard counts %d confirmed, want %d", n, before-1)
	}
	ns, err := f.st.CampaignNoShows(ctx)
	if err != nil || len(ns) != 1 || ns[0].Key != p.Channel || ns[0].Count != 1 {
		t.Fatalf("no-show count %+v (%v)", ns, err)
	}
	es, err := f.st.ListAudit(ctx, store.AuditFilter{Object: "campaign_proposal:" + strconv.FormatInt(p.ID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, e := range es {
		audited = audited || e.Action == "campaign.no_show"
	}
	if !audited {
		t.Fatalf("no audit entry for the no-show: %+v", es)
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("second sync changed %+v (%v)", res, err)
	}

	if _, err := f.svc.Plan(ctx, KindReplan); err != nil {
		t.Fatal(err)
	}
	again := f.proposals(t, "cf = ? AND state IN ('planned', 'proposed', 'confirmed')", p.CF)
	if len(again) != 1 || again[0].ID == p.ID || again[0].Day <= f.svc.today().Format(time.DateOnly) {
		t.Fatalf("re-plan after the no-show: %+v", again)
	}
	// the new proposal says what happened to the last one; nobody else's does
	d, _ := time.Parse(time.DateOnly, p.Day)
	it, en, err := f.svc.missedLines(ctx, nil, p.CF, again[0].ID)
	if err != nil || it != "Non si è presentato/a all'appuntamento del "+itDate(d)+": le proponiamo un nuovo appuntamento." ||
		!strings.Contains(en, "You did not come to the appointment of "+d.Format("Monday 2 January 2006")) {
		t.Fatalf("missed lines %q %q (%v)", it, en, err)
	}
	// and the e-mail of the new proposal prints it under the greeting
	{
		f.mailsTo(c.Email)
		if err := f.q.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		ms := f.mailsTo(c.Email)
		if len(ms) != 1 || !strings.Contains(ms[0].Text, it) || !strings.Contains(ms[0].Text, en) {
			t.Fatalf("the new proposal's e-mail does not say the appointment was missed: %d mails", len(ms))
		}
	}
	for _, q := range ps {
		if q.CF != p.CF {
			if it, en, err := f.svc.missedLines(ctx, nil, q.CF, q.ID); err != nil || it != "" || en != "" {
				t.Fatalf("missed lines for %s who missed nothing: %q %q (%v)", q.CF, it, en, err)
			}
			break
		}
	}
}
