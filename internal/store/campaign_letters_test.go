package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestLetterBatchOnce: more letters than one INSERT carries go in a batch and are no
// longer unprinted; a second batch naming one of them (two downloads racing) is a
// conflict that records nothing; a new attempt (nonce) of a printed proposal is
// unprinted again and no longer in the old batch's reprint.
func TestLetterBatchOnce(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := 503
	letterProposals(t, st, n)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	todo, err := st.UnprintedLetterProposals(ctx)
	if err != nil || len(todo) != n {
		t.Fatalf("%d unprinted (%v), want %d", len(todo), err, n)
	}
	first := &store.LetterBatch{PrintedAt: at, Letters: n - 1, People: n - 1}
	if err := st.RecordLetterBatch(ctx, first, todo[:n-1]); err != nil {
		t.Fatal(err)
	}
	if left, _ := st.UnprintedLetterProposals(ctx); len(left) != 1 || left[0].ID != todo[n-1].ID {
		t.Fatalf("after the batch %d unprinted, want the one left out", len(left))
	}
	racing := &store.LetterBatch{PrintedAt: at, Letters: 2, People: 2}
	if err := st.RecordLetterBatch(ctx, racing, todo[n-2:]); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("a letter printed twice: %v", err)
	}
	if bs, _ := st.LetterBatches(ctx); len(bs) != 1 || bs[0].ID != first.ID || bs[0].Letters != n-1 {
		t.Fatalf("batches after the conflict: %+v", bs)
	}
	// a new attempt of a printed proposal: a new letter to print, gone from the reprint
	if _, err := st.Exec(ctx, `UPDATE campaign_proposals SET nonce = 'again' WHERE id = ?`, todo[0].ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := st.UnprintedLetterProposals(ctx); len(left) != 2 {
		t.Fatalf("%d unprinted after a new attempt, want 2", len(left))
	}
	again, err := st.BatchLetterProposals(ctx, first.ID)
	if err != nil || len(again) != n-2 {
		t.Fatalf("reprint of %d (%v), want %d", len(again), err, n-2)
	}
	if _, err := st.LetterBatchByID(ctx, first.ID+100); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown batch: %v", err)
	}
}

// letterProposals stores n citizens with a letter proposal each, sent and unanswered.
func letterProposals(tb testing.TB, st *store.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	cs := syntheticCitizens(n)
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		tb.Fatal(err)
	}
	office := &model.Office{Code: "larga", Name: "Largo", Active: true, Counters: 2}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	run := &store.CampaignRun{CreatedAt: at, Kind: "plan", Done: true}
	ps := make([]*store.CampaignProposal, n)
	for i := range ps {
		ps[i] = &store.CampaignProposal{CF: cs[i].CF, Household: cs[i].Household, OfficeID: office.ID, Day: "2026-03-16", Minute: 540 + i%300,
			Week: 2, State: store.ProposalProposed, Channel: store.ChannelLetter, LetterCode: fmt.Sprintf("%08d", 20000000+i),
			Nonce: fmt.Sprintf("n%d", i), Deadline: at.Add(7 * 24 * time.Hour), CreatedAt: at, SentAt: at}
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
		tb.Fatal(err)
	}
}

// BenchmarkRecordLetterBatch25000 records a print run of issue 5's 25,000 letters and
// reads what is left to print, as one download does after rendering.
func BenchmarkRecordLetterBatch25000(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := testdb.Open(b)
		letterProposals(b, st, 25000)
		b.StartTimer()
		todo, err := st.UnprintedLetterProposals(ctx)
		if err != nil || len(todo) != 25000 {
			b.Fatal(len(todo), err)
		}
		if err := st.RecordLetterBatch(ctx, &store.LetterBatch{PrintedAt: time.Now(), Letters: 12500, People: 25000}, todo); err != nil {
			b.Fatal(err)
		}
		if left, err := st.UnprintedLetterProposals(ctx); err != nil || len(left) != 0 {
			b.Fatal(len(left), err)
		}
	}
}
