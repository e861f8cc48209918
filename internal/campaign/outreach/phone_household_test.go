package outreach

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/store"
)

// TestPhoneHouseholdMovesTogether: on the phone line, "2" for a household's letter
// offers only slots where the whole household fits (the link page's household
// choices), and "1" on one moves them all there as the link does: confirmed by phone,
// each at the start that slot gives them (side by side or one after another), each
// with a booking.
func TestPhoneHouseholdMovesTogether(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state = ?", store.ProposalProposed) {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	var hh []*store.CampaignProposal
	for _, m := range byHH {
		if len(m) >= 2 && len(m) > len(hh) && m[0].OfficeID == m[1].OfficeID && m[0].Day == m[1].Day {
			hh = m
		}
	}
	if hh == nil {
		t.Fatal("fixture: no household proposed together")
	}
	p := hh[0]
	// what the household could choose on the link page, each with every member's start
	days, err := f.svc.Choices(ctx, p, len(hh))
	if err != nil {
		t.Fatal(err)
	}
	fits := map[string]Slot{}
	for _, d := range days {
		for _, sl := range d.Times {
			fits[sl.ID] = sl
		}
	}
	alts, err := Phone{S: f.svc}.Alternatives(ctx, strconv.FormatInt(p.ID, 10), 5)
	if err != nil || len(alts) == 0 {
		t.Fatalf("alternatives %v (%v)", alts, err)
	}
	for _, a := range alts {
		if _, ok := fits[a.ID]; !ok {
			t.Fatalf("the line offers %s, where the household of %d does not fit together", a.ID, len(hh))
		}
	}

	d := call(t, f, p.LetterCode, "2", "1")
	if d.State() != phonebot.Confirmed {
		t.Fatalf("call ended in %s", d.State())
	}
	want := fits[alts[0].ID]
	got := map[string]bool{}
	for _, m := range hh {
		after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
		if after.State != store.ProposalConfirmed || after.DecidedVia != ViaPhone {
			t.Fatalf("member %d after the call: %s via %s", m.ID, after.State, after.DecidedVia)
		}
		at := f.svc.At(after.Day, after.Minute)
		if after.OfficeID != want.OfficeID || !slices.ContainsFunc(append(want.Each, want.At), at.Equal) {
			t.Fatalf("member %d at office %d %s, the slot chosen is office %d %v", m.ID, after.OfficeID, at, want.OfficeID, want.Each)
		}
		got[at.String()+"/"+m.CF] = true
		if dayBookings(t, f, after.OfficeID, after.Day)[after.CF] == nil {
			t.Fatalf("member %d confirmed by phone without a booking", m.ID)
		}
	}
	if len(got) != len(hh) {
		t.Fatalf("members placed %v", got)
	}
}
