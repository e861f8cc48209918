package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// proposeAll gives each of cs a proposal in state (its citizen moved to the matching
// citizen state), at one office.
func proposeAll(t *testing.T, st *store.Store, cs []register.Citizen, state string) int64 {
	t.Helper()
	ctx := context.Background()
	office := &model.Office{Code: "rev", Name: "Revisione", Active: true, Counters: 2}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	at := st.Now()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		run := &store.CampaignRun{CreatedAt: at, Kind: "plan", People: len(cs), Planned: len(cs), Done: true}
		if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		ps := make([]*store.CampaignProposal, len(cs))
		for i, c := range cs {
			ps[i] = &store.CampaignProposal{CF: c.CF, Household: c.Household, RunID: run.ID, OfficeID: office.ID, Day: "2026-03-09",
				Minute: 540 + i, State: state, Channel: store.ChannelEmail, LetterCode: fmt.Sprintf("R%07d", i), Nonce: "n",
				Deadline: at.Add(72 * time.Hour), CreatedAt: at}
		}
		return st.InsertCampaignProposals(ctx, tx, ps, state)
	})
	if err != nil {
		t.Fatal(err)
	}
	return office.ID
}

func proposalStates(t *testing.T, st *store.Store, cf string) []string {
	t.Helper()
	ps, err := st.CampaignProposals(context.Background(), nil, `cf = ?`, cf)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.State)
	}
	return out
}

func reviewOf(rep *store.ImportReport, cf string) string {
	for _, r := range rep.Reviews {
		if r.CF == cf {
			return r.Kind
		}
	}
	return ""
}

// TestReimportActsOnChanges is the reviewer's case: a planned citizen now holds a CIE,
// another is missing from the extract, a third moved about 10 km. The CIE holder is
// closed and the unsent proposal cancelled, the moved one goes back to new (the next
// plan places them from the new address) with the proposal cancelled, the missing one
// is listed and left alone; the same file again changes nothing.
func TestReimportActsOnChanges(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	cs := syntheticCitizens(6)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	proposeAll(t, st, cs, store.ProposalPlanned)
	next := append([]register.Citizen(nil), cs[1:]...) // cs[0] is missing
	next[0].CardType = register.CardCIE                // cs[1] has a CIE now
	next[1].Lat += 0.09                                // cs[2] moved ~10 km north
	rep, err := st.ImportCitizensReport(ctx, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ImportResult != (store.ImportResult{Updated: 2, Unchanged: 3}) {
		t.Fatalf("counts %+v", rep.ImportResult)
	}
	for cf, want := range map[string]string{cs[0].CF: store.ReviewAbsent, cs[1].CF: store.ReviewHasCIE, cs[2].CF: store.ReviewMovedReplan, cs[3].CF: ""} {
		if got := reviewOf(rep, cf); got != want {
			t.Errorf("review of %s = %q, want %q", cf, got, want)
		}
	}
	for cf, want := range map[string]string{cs[0].CF: store.CitizenPlanned, cs[1].CF: store.CitizenHasCIE, cs[2].CF: store.CitizenNew} {
		if c, _ := st.CampaignCitizen(ctx, cf); c.State != want {
			t.Errorf("state of %s = %q, want %q", cf, c.State, want)
		}
	}
	for cf, want := range map[string]string{cs[0].CF: store.ProposalPlanned, cs[1].CF: store.ProposalCancelled, cs[2].CF: store.ProposalCancelled} {
		if got := proposalStates(t, st, cf); len(got) != 1 || got[0] != want {
			t.Errorf("proposals of %s = %v, want [%s]", cf, got, want)
		}
	}
	again, err := st.ImportCitizensReport(ctx, next, nil)
	if err != nil || again.ImportResult != (store.ImportResult{Unchanged: 5}) || again.Count(store.ReviewAbsent) != 1 || len(again.Reviews) != 1 {
		t.Fatalf("same file again: %+v %v", again, err)
	}
}

// TestReimportFlagsSentProposals: once a proposal was sent or confirmed, the file does
// not touch it. A confirmed CIE holder and a moved citizen with a sent proposal are
// flagged for the office and keep state and proposal.
func TestReimportFlagsSentProposals(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	cs := syntheticCitizens(4)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	proposeAll(t, st, cs[:2], store.ProposalConfirmed)
	next := append([]register.Citizen(nil), cs...)
	next[0].CardType = register.CardCIE
	next[1].Lon += 0.13
	rep, err := st.ImportCitizensReport(ctx, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reviewOf(rep, cs[0].CF) != store.ReviewHasCIEBooked || reviewOf(rep, cs[1].CF) != store.ReviewMovedSent || len(rep.Reviews) != 2 {
		t.Fatalf("reviews %+v", rep.Reviews)
	}
	for _, c := range cs[:2] {
		if got, _ := st.CampaignCitizen(ctx, c.CF); got.State != store.CitizenConfirmed {
			t.Errorf("%s state %q, want confirmed kept", c.CF, got.State)
		}
		if got := proposalStates(t, st, c.CF); len(got) != 1 || got[0] != store.ProposalConfirmed {
			t.Errorf("%s proposals %v, want the confirmed one kept", c.CF, got)
		}
	}
}

// TestReimportKeepsIssuedPace: a register update of an already issued citizen (the
// CIE the campaign issued now in the extract) must not count the citizen again in
// IssuedSince, the forecast's observed pace.
func TestReimportKeepsIssuedPace(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	cs := syntheticCitizens(3)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCitizenOutcome(ctx, cs[0].CF, store.CitizenIssued, ""); err != nil {
		t.Fatal(err)
	}
	now = now.Add(14 * 24 * time.Hour)
	next := append([]register.Citizen(nil), cs...)
	next[0].CardType, next[0].CardNumber = register.CardCIE, "CA00000AA"
	next[1].Address = "Via Nuova 3"
	if err := st.MarkEmailBad(ctx, cs[0].CF); err != nil {
		t.Fatal(err)
	}
	rep, err := st.ImportCitizensReport(ctx, next, nil)
	if err != nil || rep.Updated != 2 || len(rep.Reviews) != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	n, err := st.IssuedSince(ctx, now.Add(-7*24*time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("issued in the last week = %d %v, want 0 (issued two weeks ago)", n, err)
	}
	if c, _ := st.CampaignCitizen(ctx, cs[0].CF); c.State != store.CitizenIssued || c.CardType != register.CardCIE {
		t.Fatalf("issued citizen after import: %q %q", c.State, c.CardType)
	}
}
