package outreach

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/store"
)

// sentHousehold plans and sends, then returns the household of the first e-mailed
// proposal and that proposal.
func sentHousehold(t *testing.T, f *fixture) *store.CampaignProposal {
	t.Helper()
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ps := f.proposals(t, `state = ? AND channel = ?`, store.ProposalProposed, store.ChannelEmail)
	if len(ps) == 0 {
		t.Fatal("nothing sent")
	}
	return ps[0]
}

// newcomer is a 16-year-old added to the household of p, living with them.
func newcomer(f *fixture, p *store.CampaignProposal) []register.Citizen {
	var home register.Citizen
	for _, c := range f.cs {
		if c.CF == p.CF {
			home = c
		}
	}
	kid := home
	kid.CF, kid.GivenNames, kid.Birth, kid.Email, kid.Line = "RSSGLI10A41F205Y", "Giulia", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), "", len(f.cs)+2
	return append(append([]register.Citizen(nil), f.cs...), kid)
}

// TestJoinHouseholdNewMember is the reviewer's case: a new member of a household whose
// proposals are out is imported, then the admin plans again. The newcomer is proposed
// at the household's office and day, next to them (same start at another counter or
// the start right before or after), a letter since there is no e-mail, and a plan
// afterwards does not move them elsewhere.
func TestJoinHouseholdNewMember(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	p := sentHousehold(t, f)
	cs := newcomer(f, p)
	kid := cs[len(cs)-1].CF
	// and someone new elsewhere, so the plan afterwards has work
	other := cs[len(cs)-1]
	other.CF, other.Household, other.Line = "BNCLCU80A01F205Z", "H-elsewhere", other.Line+1
	cs = append(cs, other)
	if _, err := f.st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.JoinHouseholds(ctx, []string{kid, other.CF, f.cs[5].CF})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Joined) != 1 || len(res.Unplaced) != 0 {
		t.Fatalf("join = %+v", res)
	}
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	ks := f.proposals(t, `cf = ? AND state = ?`, kid, store.ProposalProposed)
	if len(ks) != 1 {
		t.Fatalf("newcomer has %d open proposals after the plan", len(ks))
	}
	k := ks[0]
	if k.OfficeID != p.OfficeID || k.Day != p.Day || k.Channel != store.ChannelLetter {
		t.Fatalf("newcomer at office %d %s (%s), household at office %d %s", k.OfficeID, k.Day, k.Channel, p.OfficeID, p.Day)
	}
	if d := k.Minute - p.Minute; d < -60 || d > 60 {
		t.Fatalf("newcomer at minute %d, household member at %d: not side by side", k.Minute, p.Minute)
	}
	if c, _ := f.st.CampaignCitizen(ctx, kid); c.State != store.CitizenProposed {
		t.Fatalf("newcomer state %q", c.State)
	}
	// joining again does nothing: the newcomer is no longer new
	if res, err := f.svc.JoinHouseholds(ctx, []string{kid}); err != nil || len(res.Joined)+len(res.Unplaced) != 0 {
		t.Fatalf("second join = %+v %v", res, err)
	}
}

// TestJoinHouseholdNoRoom: when the household's day has no free start next to them,
// nothing is proposed and the newcomer is reported for the project office.
func TestJoinHouseholdNoRoom(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	p := sentHousehold(t, f)
	cs := newcomer(f, p)
	kid := cs[len(cs)-1].CF
	if _, err := f.st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	// the office-week is full: its capacity is what it already holds
	usage, err := f.st.CampaignWeekUsage(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetCampaignCapacity(ctx, p.OfficeID, usage[store.CellKey{Office: p.OfficeID, Week: p.Week}]); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.JoinHouseholds(ctx, []string{kid})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Joined) != 0 || len(res.Unplaced) != 1 || res.Unplaced[0].Reason != UnplacedFull {
		t.Fatalf("join = %+v", res)
	}
	if ks := f.proposals(t, `cf = ?`, kid); len(ks) != 0 {
		t.Fatalf("newcomer got %d proposals", len(ks))
	}
}
