package outreach

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestLetterBatchesPrintOnce: a send's letters are one print run; the next default
// download holds only the letters sent since (a newcomer without e-mail planned and
// sent later is a run of one envelope, not the whole unanswered lot again); a past
// run downloads again on purpose with only the people still awaiting that letter;
// a proposal expired and re-proposed in place (new slot, new link) is printed anew.
func TestLetterBatchesPrintOnce(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Send(ctx)
	if err != nil || res.Letters < 3 {
		t.Fatalf("send %+v %v", res, err)
	}
	var buf bytes.Buffer
	first, err := f.svc.Letters(ctx, &buf)
	if err != nil || first.People != res.Letters || first.Letters == 0 || first.Letters > first.People {
		t.Fatalf("first run %+v for %d letter proposals, %v", first, res.Letters, err)
	}
	buf.Reset()
	if b, err := f.svc.Letters(ctx, &buf); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("a second download with nothing sent since printed %+v (%v)", b, err)
	}

	// the register brings one citizen more, without e-mail, in a household of its own
	f.clock.Add(24 * time.Hour)
	nc := f.cs[0]
	nc.CF, nc.Household, nc.Email, nc.FamilyName, nc.Line = "NWCMRA80A01F205X", "HH-NEW", "", "Nuovo", len(f.cs)+2
	f.cs = append(f.cs, nc)
	if _, err := f.st.ImportCitizens(ctx, f.cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	res2, err := f.svc.Send(ctx)
	if err != nil || res2.Letters != 1 {
		t.Fatalf("second send %+v %v, want the newcomer's letter", res2, err)
	}
	buf.Reset()
	second, err := f.svc.Letters(ctx, &buf)
	if err != nil || second.People != 1 || second.Letters != 1 {
		t.Fatalf("second run %+v (%v), want the newcomer's envelope only", second, err)
	}
	batches, err := f.st.LetterBatches(ctx)
	if err != nil || len(batches) != 2 || batches[0].ID != second.ID || batches[1].ID != first.ID || batches[1].Letters != first.Letters {
		t.Fatalf("batches %v %v", batches, err)
	}

	// the first run was lost: it comes back whole, then without whoever answered
	buf.Reset()
	n, err := f.svc.LetterBatchAgain(ctx, &buf, first.ID)
	if err != nil || n != first.Letters || !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
		t.Fatalf("first run again: %d envelopes (%v), want %d", n, err, first.Letters)
	}
	printed, err := f.st.BatchLetterProposals(ctx, first.ID)
	if err != nil || len(printed) != first.People {
		t.Fatalf("%d people in the first run (%v), want %d", len(printed), err, first.People)
	}
	for _, p := range printed {
		if p.CF == nc.CF {
			t.Fatal("the newcomer is in the first run")
		}
	}
	// a member of a household answering confirms the household: take a person alone
	alone := map[string]int{}
	for _, p := range printed {
		alone[p.Household]++
	}
	var single *store.CampaignProposal
	for _, p := range printed {
		if alone[p.Household] == 1 {
			single = p
			break
		}
	}
	if single == nil {
		t.Fatal("no letter of one person in the first run")
	}
	if _, err := f.svc.Confirm(ctx, f.svc.Token(single), false); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if n, err := f.svc.LetterBatchAgain(ctx, &buf, first.ID); err != nil || n != first.Letters-1 {
		t.Fatalf("first run again after one answer: %d envelopes (%v), want %d", n, err, first.Letters-1)
	}
	if _, err := f.svc.LetterBatchAgain(ctx, &buf, first.ID+second.ID+100); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("an unknown run: %v", err)
	}

	// the silent letters expire; those re-proposed in place carry a new slot and link
	// and are in the next run, and not in the first one downloaded again
	f.clock.Add(40 * 24 * time.Hour)
	ex, err := f.svc.Expire(ctx)
	if err != nil || ex.Expired == 0 {
		t.Fatalf("expire %+v %v", ex, err)
	}
	again := f.proposals(t, "state = ? AND channel = ? AND id IN (SELECT proposal_id FROM campaign_letter_prints WHERE batch_id = ?)",
		store.ProposalProposed, store.ChannelLetter, first.ID)
	if len(again) == 0 {
		t.Fatal("no letter of the first run re-proposed")
	}
	buf.Reset()
	third, err := f.svc.Letters(ctx, &buf)
	if err != nil || third.People < len(again) {
		t.Fatalf("re-proposed run %+v (%v), want at least the %d re-proposed", third, err, len(again))
	}
	left, err := f.st.BatchLetterProposals(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		for _, a := range again {
			if p.ID == a.ID {
				t.Fatalf("proposal %d re-proposed yet still in the first run's reprint", p.ID)
			}
		}
	}
}
