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

// TestReproposeInPlace: more than one statement's worth of proposals past their
// deadline, a few not. The due ones' attempts go to the history, one expires for good
// and the rest are re-proposed in place with every new value read back and the
// letter code kept; a proposal not due is refused as a conflict; the attempts count
// as sent and expired by channel.
func TestReproposeInPlace(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := store.ProposalInsertRows + 3
	cs := syntheticCitizens(n + 2)
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
	ps := make([]*store.CampaignProposal, n+2)
	for i := range ps {
		deadline := at.Add(7 * 24 * time.Hour) // due at now
		if i >= n {
			deadline = now.Add(time.Hour) // the last two are not
		}
		ps[i] = &store.CampaignProposal{CF: cs[i].CF, Household: cs[i].Household, OfficeID: office.ID, Day: "2026-03-16", Minute: 540 + i,
			Week: 2, State: store.ProposalProposed, Channel: []string{store.ChannelEmail, store.ChannelLetter}[i%2],
			LetterCode: fmt.Sprintf("%08d", 10000000+i), Nonce: fmt.Sprintf("old%d", i), Deadline: deadline, CreatedAt: at, SentAt: at}
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
	written, err := st.CampaignProposals(ctx, nil, `run_id = ?`, run.ID)
	if err != nil || len(written) != n+2 {
		t.Fatalf("%d written, %v", len(written), err)
	}
	due, dueCs, err := st.DuePlanCitizens(ctx, now)
	if err != nil || len(due) != n || len(dueCs) != n {
		t.Fatalf("%d due (%d citizens), want %d: %v", len(due), len(dueCs), n, err)
	}
	for i, d := range due {
		if dueCs[i] == nil || dueCs[i].CF != d.CF {
			t.Fatalf("due %+v with citizen %+v", d, dueCs[i])
		}
	}
	if has, err := st.HasDueCampaignProposals(ctx, now); err != nil || !has {
		t.Fatalf("has due %v %v", has, err)
	}
	// re-propose all due but the first, which expires
	next := &store.CampaignRun{CreatedAt: now, Kind: "replan", Done: true}
	again := make([]*store.CampaignProposal, 0, n-1)
	for i, p := range written[1:n] {
		again = append(again, &store.CampaignProposal{ID: p.ID, OfficeID: office.ID, Day: "2026-03-23", Minute: 600 + i, Week: 3,
			Channel: store.ChannelLetter, Nonce: fmt.Sprintf("new%d", i), Deadline: now.Add(time.Duration(7*24+i) * time.Hour)})
	}
	notDue := &store.CampaignProposal{ID: written[n].ID, OfficeID: office.ID, Day: "2026-03-23", Minute: 900, Week: 3, Nonce: "x", Deadline: now.Add(time.Hour)}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := st.InsertCampaignRun(ctx, tx, next); err != nil {
			return err
		}
		for _, p := range append(again, notDue) {
			p.RunID = next.ID
		}
		if e, err := st.ExpireCampaignProposalsByID(ctx, tx, now, []int64{written[0].ID, written[n+1].ID}); err != nil || e != 1 {
			return fmt.Errorf("expired %d (want 1, the other is not due): %v", e, err)
		}
		if r, err := st.RetireDueAttempts(ctx, tx, now); err != nil || r != n-1 {
			return fmt.Errorf("retired %d, want %d: %v", r, n-1, err)
		}
		if err := st.ReproposeCampaignProposals(ctx, tx, now, now, []*store.CampaignProposal{notDue}); !errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("re-proposing one not due: %v, want a conflict", err)
		}
		return st.ReproposeCampaignProposals(ctx, tx, now, now, again)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range again {
		g, err := st.CampaignProposal(ctx, nil, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		old := written[i+1]
		if g.State != store.ProposalProposed || g.RunID != next.ID || g.Day != w.Day || g.Minute != w.Minute || g.Week != w.Week || g.OfficeID != w.OfficeID ||
			g.Channel != w.Channel || g.Nonce != w.Nonce || !g.Deadline.Equal(w.Deadline) || !g.SentAt.Equal(now) || g.Reminders != 0 ||
			g.LetterCode != old.LetterCode || g.CF != old.CF || g.Household != old.Household {
			t.Fatalf("re-proposed %+v, want %+v with %+v's code", g, w, old)
		}
		as, err := st.CampaignProposalAttempts(ctx, nil, w.ID)
		if err != nil || len(as) != 1 {
			t.Fatalf("attempts %+v %v", as, err)
		}
		if a := as[0]; a.Nonce != old.Nonce || a.Day != old.Day || a.Minute != old.Minute || a.RunID != run.ID || a.Channel != old.Channel ||
			!a.Deadline.Equal(old.Deadline) || !a.SentAt.Equal(old.SentAt) || !a.EndedAt.Equal(now) {
			t.Fatalf("attempt %+v of %+v", a, old)
		}
	}
	if g, _ := st.CampaignProposal(ctx, nil, written[0].ID); g.State != store.ProposalExpired {
		t.Fatalf("not re-proposed: %+v", g)
	}
	if has, err := st.HasDueCampaignProposals(ctx, now); err != nil || has {
		t.Fatalf("still due: %v %v", has, err)
	}
	counts, err := st.ExpiredAttemptsByChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range counts {
		if c.Key2 != store.ProposalExpired {
			t.Fatalf("attempt count %+v", c)
		}
		total += c.Count
	}
	if total != n-1 || len(counts) != 2 {
		t.Fatalf("attempts by channel %+v, want %d over 2 channels", counts, n-1)
	}
	taken, err := st.TakenLetterCodes(ctx, []string{written[3].LetterCode, "99999999"})
	if err != nil || !taken[written[3].LetterCode] || taken["99999999"] {
		t.Fatalf("taken %v %v", taken, err)
	}
}
