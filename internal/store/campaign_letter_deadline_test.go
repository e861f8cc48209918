package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestSetLetterDeadlines: a print run's deadlines, more than one UPDATE carries and
// two different dates, are stored for the attempts printed; a proposal re-proposed
// (new nonce) or answered meanwhile keeps its own; a held one falls due at once.
func TestSetLetterDeadlines(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := 503
	letterProposals(t, st, n)
	ps, err := st.UnprintedLetterProposals(ctx)
	if err != nil || len(ps) != n {
		t.Fatalf("%d proposals (%v)", len(ps), err)
	}
	old := ps[0].Deadline
	// ps[1] got a new attempt, ps[2] was confirmed, since they were read
	if _, err := st.Exec(ctx, `UPDATE campaign_proposals SET nonce = 'again' WHERE id = ?`, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Exec(ctx, `UPDATE campaign_proposals SET state = ? WHERE id = ?`, store.ProposalConfirmed, ps[2].ID); err != nil {
		t.Fatal(err)
	}
	a := time.Date(2026, 3, 27, 22, 59, 59, 0, time.UTC)
	b := a.Add(24 * time.Hour)
	for i, p := range ps {
		p.Deadline = a
		if i%7 == 0 {
			p.Deadline = b
		}
	}
	held := []*store.CampaignProposal{ps[n-1]}
	now := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	if err := st.SetLetterDeadlines(ctx, ps[:n-1]); err != nil {
		t.Fatal(err)
	}
	if err := st.HoldLetterProposals(ctx, now, held); err != nil {
		t.Fatal(err)
	}
	got, err := st.CampaignProposals(ctx, nil, `channel = ?`, store.ChannelLetter)
	if err != nil || len(got) != n {
		t.Fatalf("%d read back (%v)", len(got), err)
	}
	for i, p := range got {
		want := a
		switch {
		case i == 1 || i == 2:
			want = old
		case i == n-1:
			want = now
		case i%7 == 0:
			want = b
		}
		if p.ID != ps[i].ID || !p.Deadline.Equal(want) {
			t.Fatalf("proposal %d deadline %v, want %v", i, p.Deadline, want)
		}
	}
	if due, err := st.DueCampaignProposals(ctx, now); err != nil || len(due) != 1 || due[0].ID != ps[n-1].ID {
		t.Fatalf("due after the hold: %+v %v, want the held one", due, err)
	}
}
