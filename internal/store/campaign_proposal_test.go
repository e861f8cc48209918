package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestInsertCampaignProposalsBatchBoundary writes one statement's worth of proposals,
// one less and one more, and reads every row back: a row lost, doubled or given its
// neighbour's values at the edge of a multi-row INSERT shows here.
func TestInsertCampaignProposalsBatchBoundary(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	rows := store.ProposalInsertRows
	cs := syntheticCitizens(rows + 1)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	office := &model.Office{Code: "larga", Name: "Largo", Active: true, Counters: 2}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, n := range []int{rows - 1, rows, rows + 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			run := &store.CampaignRun{CreatedAt: at, Kind: "replan", People: n, Planned: n, Done: true}
			ps := make([]*store.CampaignProposal, n)
			for i := range ps {
				ps[i] = &store.CampaignProposal{CF: cs[i].CF, Household: cs[i].Household, OfficeID: office.ID,
					Day: "2026-03-09", Minute: i, Week: i % 7, State: store.ProposalProposed, Channel: store.ChannelEmail,
					LetterCode: fmt.Sprintf("N%dC%05d", n, i), Nonce: fmt.Sprintf("nonce%d", i),
					Deadline: at.Add(time.Duration(i) * time.Minute), CreatedAt: at, SentAt: at}
			}
			err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
					return err
				}
				for _, p := range ps {
					p.RunID = run.ID
				}
				return st.InsertCampaignProposals(ctx, tx, ps, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.CampaignProposals(ctx, nil, `run_id = ?`, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d proposals written, read back %d", n, len(got))
			}
			seen := make([]bool, n)
			for _, g := range got {
				i := g.Minute
				if i < 0 || i >= n || seen[i] {
					t.Fatalf("row %d read back twice or not written", i)
				}
				seen[i] = true
				w := ps[i]
				if g.CF != w.CF || g.Household != w.Household || g.LetterCode != w.LetterCode || g.Nonce != w.Nonce || g.Week != w.Week ||
					!g.Deadline.Equal(w.Deadline) || g.State != w.State || g.Channel != w.Channel || !g.SentAt.Equal(w.SentAt) {
					t.Fatalf("row %d read back as %+v, written %+v", i, g, w)
				}
			}
		})
	}
}
