package outreach

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// expiredAttempts is every proposal that expired unanswered: the rows left expired
// and the attempts of those re-proposed in place, as proposals (slot, deadline, nonce).
func expiredAttempts(t *testing.T, f *fixture) []*store.CampaignProposal {
	t.Helper()
	out := f.proposals(t, "state = ?", store.ProposalExpired)
	for _, p := range f.proposals(t, "id IN (SELECT proposal_id FROM campaign_proposal_attempts)") {
		as, err := f.st.CampaignProposalAttempts(context.Background(), nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			out = append(out, &store.CampaignProposal{ID: p.ID, CF: p.CF, RunID: a.RunID, OfficeID: a.OfficeID, Day: a.Day, Minute: a.Minute,
				State: store.ProposalExpired, Channel: a.Channel, LetterCode: p.LetterCode, Nonce: a.Nonce, Deadline: a.Deadline, SentAt: a.SentAt})
		}
	}
	return out
}

// checkSupersededLinks: for the proposals re-proposed in place by run, the link of
// the expired attempt is refused with errSuperseded (not the generic "not valid"),
// the current link opens, and the letter code is the one the citizen had.
func checkSupersededLinks(t *testing.T, f *fixture, run int64) {
	t.Helper()
	ctx := context.Background()
	checked := 0
	for _, old := range expiredAttempts(t, f) {
		cur, err := f.st.CampaignProposal(ctx, nil, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.RunID != run || cur.State != store.ProposalProposed {
			continue
		}
		if cur.Nonce == old.Nonce || cur.LetterCode != old.LetterCode {
			t.Fatalf("re-proposed %+v from %+v: want a new nonce and the same letter code", cur, old)
		}
		if _, err := f.svc.Open(ctx, f.svc.Token(old)); err != errSuperseded {
			t.Fatalf("old link of a re-proposed proposal: %v, want %v", err, errSuperseded)
		}
		if _, err := f.svc.Open(ctx, f.svc.Token(cur)); err != nil {
			t.Fatalf("new link: %v", err)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no proposal re-proposed in place")
	}
	// a forged link and a link of a proposal expired for good are not "superseded"
	for _, p := range f.proposals(t, "state = ?", store.ProposalExpired) {
		if _, err := f.svc.Open(ctx, f.svc.Token(p)); err == errSuperseded || model.ErrorCode(err) != model.EUNAUTHORIZED {
			t.Fatalf("link of an expired proposal: %v", err)
		}
	}
}

// checkCitizenStates: every citizen with an open proposal has exactly one and is in
// the state it implies; every citizen in new has none.
func checkCitizenStates(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	open := map[string]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state IN ('planned', 'proposed', 'confirmed')") {
		if open[p.CF] != nil {
			t.Fatalf("citizen %s has two open proposals", p.CF)
		}
		open[p.CF] = p
	}
	cs, err := f.st.CampaignCitizens(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		p := open[c.CF]
		switch {
		case c.State == store.CitizenNew && p != nil:
			t.Fatalf("citizen %s new with open proposal %+v", c.CF, p)
		case c.State == store.CitizenProposed && (p == nil || p.State != store.ProposalProposed):
			t.Fatalf("citizen %s proposed without a live proposal (%+v)", c.CF, p)
		}
	}
}

// TestExpireReplanShortCapacity: capacity cut below what the expired need, so the
// re-plan places only some of them. In the one transaction that expires and
// re-plans, the placed keep "proposed" with a new proposal, the others go back to
// new, nobody ends with two open proposals, and the fan-out job e-mails exactly the
// re-planned e-mail proposals.
func TestExpireReplanShortCapacity(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mailed := len(f.mail.sent)
	offices, _ := f.st.ListOffices(ctx, true)
	for _, o := range offices {
		if err := f.st.SetCampaignCapacity(ctx, o.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Add(26 * 24 * time.Hour) // past the letters' deadline too (post and answer window)
	res, err := f.svc.Expire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Expired != 60 || res.Run == nil || res.Run.Planned == 0 || res.Run.Unplanned == 0 {
		t.Fatalf("expire %+v run %+v: want 60 expired, some re-planned and some not", res, res.Run)
	}
	if n := len(expiredAttempts(t, f)); n != 60 {
		t.Fatalf("%d expired proposals and attempts, want 60", n)
	}
	// a re-planned citizen keeps its proposal, and so its letter code; one not placed
	// has its proposal expired
	if n := len(f.proposals(t, "state = ?", store.ProposalExpired)); n != res.Run.Unplanned {
		t.Fatalf("%d proposals expired, %d citizens not re-planned", n, res.Run.Unplanned)
	}
	if n := len(f.proposals(t, "run_id = ?", res.Run.ID)); n != res.Run.Planned {
		t.Fatalf("%d proposals of the re-plan, %d planned", n, res.Run.Planned)
	}
	checkSupersededLinks(t, f, res.Run.ID)
	checkCitizenStates(t, f)
	news, _ := f.st.CampaignCitizens(ctx, nil, store.CitizenNew)
	if len(news) != res.Run.Unplanned {
		t.Fatalf("%d citizens new, %d unplanned", len(news), res.Run.Unplanned)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range f.proposals(t, "run_id = ? AND channel = ?", res.Run.ID, store.ChannelEmail) {
		if p.State != store.ProposalProposed {
			t.Fatalf("re-planned %+v", p)
		}
		want++
	}
	// and those not placed again get the cancellation of their tentative event
	got, notices := 0, 0
	for _, m := range f.mail.sent[mailed:] {
		if strings.Contains(m.Subject, "proposta annullata") {
			notices++
		} else {
			got++
		}
	}
	if got != want {
		t.Fatalf("%d re-plan e-mails, want %d", got, want)
	}
	if want := len(f.proposals(t, "state = ? AND channel = ?", store.ProposalExpired, store.ChannelEmail)); notices != want {
		t.Fatalf("%d expiry notices, want %d", notices, want)
	}
	// again: the new ones are planned on what is left, the expired stay expired
	if _, err := f.svc.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	checkCitizenStates(t, f)
}

// TestExpireWithNoWeekLeft: past the campaign's last week nothing can be re-planned,
// yet the proposals expire and their citizens go back to new.
func TestExpireWithNoWeekLeft(t *testing.T) {
	f := newFixture(t, 20, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(13 * 7 * 24 * time.Hour) // the campaign has 12 weeks
	res, err := f.svc.Expire(ctx)
	if err != nil || res.Expired != 20 || res.Run != nil {
		t.Fatalf("expire %+v %v, want 20 expired and no re-plan", res, err)
	}
	checkCitizenStates(t, f)
	if news, _ := f.st.CampaignCitizens(ctx, nil, store.CitizenNew); len(news) != 20 {
		t.Fatalf("%d citizens back to new, want 20", len(news))
	}
}

// TestFirstPlanInChunks: a plan written in many chunks is sent only once its last
// chunk is in, and a run left half-written (as by a crash) is never sent and is
// replaced by the next plan.
func TestFirstPlanInChunks(t *testing.T) {
	defer func(n int) { planChunk = n }(planChunk)
	planChunk = 7
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	run, err := f.svc.Plan(ctx, KindPlan)
	if err != nil || !run.Done || run.Planned != 60 {
		t.Fatalf("plan %+v %v", run, err)
	}
	checkCitizenStates(t, f)
	// a half-written run: its proposals are not sendable
	if _, err := f.st.Exec(ctx, `UPDATE campaign_runs SET done = 0 WHERE id = ?`, run.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err == nil {
		t.Fatal("sent the proposals of an unfinished run")
	}
	again, err := f.svc.Plan(ctx, KindPlan)
	if err != nil || again.Planned != 60 {
		t.Fatalf("plan again %+v %v", again, err)
	}
	if n := len(f.proposals(t, "run_id = ? AND state = ?", run.ID, store.ProposalCancelled)); n != 60 {
		t.Fatalf("%d of the unfinished run's proposals cancelled, want 60", n)
	}
	sent, err := f.svc.Send(ctx)
	if err != nil || sent.Emails+sent.Letters != 60 {
		t.Fatalf("send %+v %v", sent, err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != sent.Emails-1 { // one bounces
		t.Fatalf("%d mails for %d e-mailed proposals sent in chunks", len(f.mail.sent), sent.Emails)
	}
	checkCitizenStates(t, f)
}

// TestReplanReusesExpiredTimes: the proposals a re-plan expires still hold their times
// in the table while it plans; the calendar it plans into must count those times free,
// or the people expired could not go back to the places they leave.
func TestReplanReusesExpiredTimes(t *testing.T) {
	f := newFixture(t, 40, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(21 * 24 * time.Hour)
	due, err := f.st.DueCampaignProposals(ctx, f.clock.Now())
	if err != nil || len(due) == 0 {
		t.Fatalf("%d due, %v", len(due), err)
	}
	set, _ := f.st.CampaignSettings(ctx)
	caps, err := f.svc.Capacities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	free := func(freed map[int64]map[string]map[int]int) map[string]int {
		cals, err := f.svc.calendars(ctx, set, caps, set.Start, set.Weeks, []string{store.ProposalProposed}, freed)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, c := range caps {
			for day, slots := range cals[c.Office.ID] {
				for _, s := range slots {
					out[fmt.Sprintf("%d/%s/%d", c.Office.ID, day, s.Minute)] += s.Capacity
				}
			}
		}
		return out
	}
	held, freed := free(nil), map[int64]map[string]map[int]int{}
	for _, d := range due {
		if freed[d.OfficeID] == nil {
			freed[d.OfficeID] = map[string]map[int]int{}
		}
		if freed[d.OfficeID][d.Day] == nil {
			freed[d.OfficeID][d.Day] = map[int]int{}
		}
		freed[d.OfficeID][d.Day][d.Minute]++
	}
	back := free(freed)
	gained := 0
	for k, n := range back {
		gained += n - held[k]
	}
	if gained != len(due) {
		t.Fatalf("expiring %d proposals freed %d places in the calendar", len(due), gained)
	}
}

// checkAnswerWindow: every proposal sent gives its citizen the whole answer window
// (ConfirmDays, a letter PostalDays more) and then 72 hours before its appointment.
func checkAnswerWindow(t *testing.T, f *fixture, ps []*store.CampaignProposal) {
	t.Helper()
	set, err := f.st.CampaignSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no proposal to check")
	}
	for _, p := range ps {
		days := set.ConfirmDays
		if p.Channel == store.ChannelLetter {
			days += set.PostalDays
		}
		if p.Deadline.Before(p.SentAt.AddDate(0, 0, days)) {
			t.Fatalf("%s proposal sent %v answers by %v: under %d days", p.Channel, p.SentAt, p.Deadline, days)
		}
		if at := f.svc.At(p.Day, p.Minute); at.Sub(p.Deadline) < 72*time.Hour {
			t.Fatalf("%s proposal answered by %v for %v: under 72 hours", p.Channel, p.Deadline, at)
		}
	}
}

// TestAnswerWindow: a plan sent the day it is made, and a re-plan at the expiry, give
// every citizen the whole answer window; a plan reviewed for so long that some of its
// appointments would no longer leave it is refused at the send, which sends nothing,
// and once planned again goes out.
func TestAnswerWindow(t *testing.T) {
	f := newFixture(t, 40, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(8 * 24 * time.Hour) // a week and more of review
	_, err := f.svc.Send(ctx)
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessage(err), "too soon to leave the answer window") {
		t.Fatalf("send of a stale plan: %v", err)
	}
	if n := len(f.proposals(t, "state <> ?", store.ProposalPlanned)); n != 0 {
		t.Fatalf("%d proposals sent or changed by a refused send", n)
	}
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	sent, err := f.svc.Send(ctx)
	if err != nil || sent.Emails == 0 || sent.Letters == 0 {
		t.Fatalf("send %+v %v: want e-mails and letters", sent, err)
	}
	checkAnswerWindow(t, f, f.proposals(t, "state = ?", store.ProposalProposed))
	f.clock.Add(26 * 24 * time.Hour)
	res, err := f.svc.Expire(ctx)
	if err != nil || res.Run == nil || res.Run.Planned == 0 {
		t.Fatalf("expire %+v %v", res, err)
	}
	checkAnswerWindow(t, f, f.proposals(t, "run_id = ?", res.Run.ID))
}

// TestReplanConflictRetries: between the re-plan's read and its write an operator
// closes a due case. The write finds the due proposals changed, writes nothing, and
// the plan runs again on the new data: every due proposal ends once, nobody has two
// open proposals, and no office-week is over its capacity.
func TestReplanConflictRetries(t *testing.T) {
	for _, tt := range []struct {
		name    string
		expired int
		change  func(f *fixture, due []store.DueProposal) error
	}{
		{"case closed", 59, func(f *fixture, due []store.DueProposal) error {
			return f.st.SetCitizenOutcome(context.Background(), due[0].CF, store.CitizenDeceased, "")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 60, 200)
			ctx := context.Background()
			if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Send(ctx); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(26 * 24 * time.Hour)
			due, err := f.st.DueCampaignProposals(ctx, f.clock.Now())
			if err != nil || len(due) != 60 {
				t.Fatalf("%d due %v", len(due), err)
			}
			calls := 0
			beforeReplanWrite = func() {
				if calls++; calls == 1 {
					if err := tt.change(f, due); err != nil {
						t.Error(err)
					}
				}
			}
			defer func() { beforeReplanWrite = nil }()
			res, err := f.svc.Expire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Plan.Attempts != 2 || calls != 2 || res.Expired != tt.expired {
				t.Fatalf("expire %+v after %d writes: want a second attempt expiring %d", res, calls, tt.expired)
			}
			if n := len(expiredAttempts(t, f)); n != tt.expired {
				t.Fatalf("%d expired proposals and attempts, want %d", n, tt.expired)
			}
			checkCitizenStates(t, f)
			caps, _ := f.svc.Capacities(ctx)
			usage, _ := f.st.CampaignWeekUsage(ctx, nil)
			for k, n := range usage {
				for _, c := range caps {
					if c.Office.ID == k.Office && n > c.At(k.Week) {
						t.Fatalf("office %d week %d: %d of %d", k.Office, k.Week, n, c.At(k.Week))
					}
				}
			}
		})
	}
}
