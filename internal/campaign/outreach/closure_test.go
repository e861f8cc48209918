package outreach

import (
	"context"
	"fmt"
	"testing"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// TestCloseDay: an office day closes holding a confirmed proposal (its booking still
// in the agenda: CloseDay must not rely on the caller cancelling it) and proposals
// awaiting an answer. CloseDay cancels the booking, ends every proposal on the day
// and puts the citizens back to new; the re-plan then proposes them again, never on
// the closed day; a second CloseDay changes nothing.
func TestCloseDay(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	byDay := map[string][]*store.CampaignProposal{}
	var day []*store.CampaignProposal
	for _, p := range f.proposals(t, "state = ?", store.ProposalProposed) {
		k := fmt.Sprint(p.OfficeID, p.Day)
		byDay[k] = append(byDay[k], p)
		if len(byDay[k]) >= 2 && (day == nil || len(byDay[k]) > len(day)) {
			day = byDay[k]
		}
	}
	if day == nil {
		t.Fatal("fixture: no office day with two proposals")
	}
	conf := day[0]
	if _, err := f.svc.Confirm(ctx, f.svc.Token(conf), false); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.PendingOn(ctx, conf.OfficeID, conf.Day); err != nil || n != len(day)-1 {
		t.Fatalf("pending on the day: %d %v, want %d", n, err, len(day)-1)
	}
	if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: conf.OfficeID, Day: conf.Day, Note: "sciopero"}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.CloseDay(ctx, conf.OfficeID, conf.Day)
	if err != nil {
		t.Fatal(err)
	}
	if res.Replan != 1 || res.Expired != len(day)-1 || res.Moved != 0 {
		t.Fatalf("close day %+v, want 1 re-plan and %d expired", res, len(day)-1)
	}
	if b := dayBookings(t, f, conf.OfficeID, conf.Day)[conf.CF]; b != nil {
		t.Fatalf("booking %d still active on the closed day", b.ID)
	}
	for _, p := range day {
		after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		if after.State == store.ProposalConfirmed || after.State == store.ProposalProposed || c.State != store.CitizenNew {
			t.Fatalf("proposal %d on the closed day: %s, citizen %s", p.ID, after.State, c.State)
		}
	}
	if n, _ := f.svc.PendingOn(ctx, conf.OfficeID, conf.Day); n != 0 {
		t.Fatalf("%d proposals still pending on the closed day", n)
	}
	if res, err := f.svc.CloseDay(ctx, conf.OfficeID, conf.Day); err != nil || res != (ClosureResult{}) {
		t.Fatalf("second close day changed %+v (%v)", res, err)
	}
	if _, err := f.svc.Plan(ctx, KindReplan); err != nil {
		t.Fatal(err)
	}
	for _, p := range day {
		again := f.proposals(t, "cf = ? AND state IN ('planned', 'proposed', 'confirmed')", p.CF)
		if len(again) != 1 {
			t.Fatalf("citizen %s re-planned into %d proposals", p.CF, len(again))
		}
		if again[0].OfficeID == conf.OfficeID && again[0].Day == conf.Day {
			t.Fatalf("citizen %s re-planned on the closed day", p.CF)
		}
	}
}
