package outreach

import (
	"context"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// TestCounterDoneIssues: a campaign booking the clerk marks done issues its citizen
// at once, dated the appointment's day (marked the day after, the pace still counts
// it on its day), with the proposal kept confirmed for the confirmation rates and an
// audit entry against it; taking "done" back puts the citizen back to confirmed, so
// no wrong issued is left. A booking marked done where no hook was listening is
// issued by the hourly sync, once.
func TestCounterDoneIssues(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	e.StatusChanged = f.svc.CounterStatus
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	// the two earliest appointments of households of one
	byHH := map[string]int{}
	ps := f.proposals(t, "state = ?", store.ProposalProposed)
	for _, p := range ps {
		byHH[p.Household]++
	}
	var ones []*store.CampaignProposal
	for _, p := range ps {
		if byHH[p.Household] == 1 {
			ones = append(ones, p)
		}
	}
	sort.Slice(ones, func(i, j int) bool { return ones[i].Day < ones[j].Day })
	if len(ones) < 2 {
		t.Fatal("fewer than two households of one")
	}
	p, q := ones[0], ones[1]
	for _, x := range []*store.CampaignProposal{p, q} {
		if _, err := f.svc.Confirm(ctx, f.svc.Token(x), false); err != nil {
			t.Fatal(err)
		}
	}
	b, bq := dayBookings(t, f, p.OfficeID, p.Day)[p.CF], dayBookings(t, f, q.OfficeID, q.Day)[q.CF]
	if b == nil || bq == nil {
		t.Fatal("confirmed without a booking")
	}
	dayOf := func(p *store.CampaignProposal) time.Time {
		d, _ := time.Parse(time.DateOnly, p.Day)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, f.svc.Loc)
	}
	midnight, midnightQ := dayOf(p), dayOf(q)
	citizen := func(cf string) string {
		t.Helper()
		c, err := f.st.CampaignCitizen(ctx, cf)
		if err != nil {
			t.Fatal(err)
		}
		return c.State
	}
	issuedSince := func(at time.Time) int {
		t.Helper()
		n, err := f.st.IssuedSince(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	audited := func(id int64, action string) int {
		t.Helper()
		es, err := f.st.ListAudit(ctx, store.AuditFilter{Object: "campaign_proposal:" + strconv.FormatInt(id, 10)})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if e.Action == action {
				n++
			}
		}
		return n
	}

	// the clerk marks p's row the day after the later appointment
	f.clock.Add(midnightQ.AddDate(0, 0, 1).Add(10 * time.Hour).Sub(f.clock.Now()))
	if _, err := e.SetStatus(ctx, b.ID, booking.StateDone, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if st := citizen(p.CF); st != store.CitizenIssued {
		t.Fatalf("done at the counter left the citizen %s", st)
	}
	if n, m := issuedSince(midnight), issuedSince(midnight.Add(time.Minute)); n != 1 || m != 0 {
		t.Fatalf("issued since the appointment's day %d (want 1), since the marking day %d (want 0): not dated the appointment's day", n, m)
	}
	if after, _ := f.st.CampaignProposal(ctx, nil, p.ID); after.State != store.ProposalConfirmed {
		t.Fatalf("the issued citizen's proposal became %s", after.State)
	}
	if audited(p.ID, "campaign.issued") != 1 {
		t.Fatal("no audit entry for the issue")
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("sync after the hook changed %+v (%v)", res, err)
	}

	// a correction: it was the wrong row
	if _, err := e.SetStatus(ctx, b.ID, booking.StateArrived, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if st := citizen(p.CF); st != store.CitizenConfirmed || issuedSince(midnight) != 0 {
		t.Fatalf("done taken back: citizen %s, issued %d", st, issuedSince(midnight))
	}
	if audited(p.ID, "campaign.issued_undone") != 1 {
		t.Fatal("no audit entry for the undone issue")
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("sync after the correction changed %+v (%v)", res, err)
	}
	// done again, then no-show: the no-show's day is over, so the sync sends the
	// citizen back to the pool instead of leaving them issued
	if _, err := e.SetStatus(ctx, b.ID, booking.StateDone, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetStatus(ctx, b.ID, booking.StateNoShow, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{NoShow: 1}) || citizen(p.CF) != store.CitizenNew {
		t.Fatalf("no-show after done: sync %+v (%v), citizen %s", res, err, citizen(p.CF))
	}

	// q's row marked done with nobody listening (before this was wired): the sync
	// issues it, dated its day, once
	e.StatusChanged = nil
	if _, err := e.SetStatus(ctx, bq.ID, booking.StateDone, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	if st := citizen(q.CF); st != store.CitizenConfirmed {
		t.Fatalf("without the hook the citizen is %s", st)
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{Issued: 1}) {
		t.Fatalf("sync of a done booking %+v (%v)", res, err)
	}
	if st := citizen(q.CF); st != store.CitizenIssued || issuedSince(midnightQ) != 1 || issuedSince(midnightQ.Add(time.Minute)) != 0 {
		t.Fatalf("after the sync: citizen %s, issued since its day %d", st, issuedSince(midnightQ))
	}
	if audited(q.ID, "campaign.issued") != 1 {
		t.Fatal("no audit entry for the sync's issue")
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("second sync changed %+v (%v)", res, err)
	}
}
