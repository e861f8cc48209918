package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestDuePlanCitizensBothWays: the due proposals' citizens read by key and read in
// table order agree, field by field, including a citizen whose case was closed (no
// citizen, the proposal only expires), proposals not yet due and proposals answered.
func TestDuePlanCitizensBothWays(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := store.ProposalInsertRows + 10 // more than one lookup statement
	cs := syntheticCitizens(n)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	office := &model.Office{Code: "larga", Name: "Largo", Active: true, Counters: 2}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := at.Add(10 * 24 * time.Hour)
	run := &store.CampaignRun{CreatedAt: at, Kind: "plan", Done: true}
	ps := make([]*store.CampaignProposal, n)
	for i := range ps {
		deadline := at.Add(7 * 24 * time.Hour)
		if i%7 == 3 {
			deadline = now.Add(time.Hour) // not due yet
		}
		ps[i] = &store.CampaignProposal{CF: cs[i].CF, Household: cs[i].Household, OfficeID: office.ID, Day: "2026-03-16", Minute: 540 + i%300,
			Week: 2, State: store.ProposalProposed, Channel: store.ChannelEmail,
			LetterCode: fmt.Sprintf("%08d", 10000000+i), Nonce: fmt.Sprintf("n%d", i), Deadline: deadline, CreatedAt: at, SentAt: at}
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		for _, p := range ps {
			p.RunID = run.ID
		}
		return st.InsertCampaignProposals(ctx, tx, ps, store.CitizenProposed)
	})
	if err != nil {
		t.Fatal(err)
	}
	// one answered, one case closed by an operator
	if _, err := st.Exec(ctx, `UPDATE campaign_proposals SET state = ? WHERE cf = ?`, store.ProposalConfirmed, cs[5].CF); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCitizenState(ctx, st.Writer(), cs[8].CF, store.CitizenDeceased, ""); err != nil {
		t.Fatal(err)
	}
	read := func(min int) ([]store.DueProposal, []*store.CampaignCitizen) {
		old := *store.DueScanMin
		*store.DueScanMin = min
		defer func() { *store.DueScanMin = old }()
		due, dcs, err := st.DuePlanCitizens(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		return due, dcs
	}
	byKey, csKey := read(1 << 30)
	inOrder, csOrder := read(1)
	want := 0
	for i := range ps {
		if i%7 != 3 && i != 5 {
			want++
		}
	}
	if len(byKey) != want || len(csKey) != want {
		t.Fatalf("%d due by key (%d citizens), want %d", len(byKey), len(csKey), want)
	}
	if !reflect.DeepEqual(byKey, inOrder) || !reflect.DeepEqual(csKey, csOrder) {
		t.Fatal("the two reads disagree")
	}
	closed := 0
	for i, d := range byKey {
		c := csKey[i]
		if d.CF == cs[8].CF {
			if c != nil {
				t.Fatalf("closed case read as %+v", c)
			}
			closed++
			continue
		}
		if c == nil || c.CF != d.CF || c.Household != d.Household || c.State != store.CitizenProposed || c.Email == "" || c.Birth.IsZero() || c.Lat == 0 {
			t.Fatalf("due %+v read with %+v", d, c)
		}
	}
	if closed != 1 {
		t.Fatalf("closed case seen %d times", closed)
	}
}
