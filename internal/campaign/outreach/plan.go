package outreach

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Run kinds.
const (
	KindPlan   = "plan"   // the first plan, reviewed by an admin before sending
	KindReplan = "replan" // expired proposals planned again and sent at once
)

// planTimeout bounds one optimiser run; Milan's 82,142 people plan in seconds.
const planTimeout = 5 * time.Minute

// planChunk is how many proposals one write transaction of a first plan or a send
// carries: a few thousand rows hold SQLite's single writer for a fraction of a
// second, so bookings made meanwhile wait that long at most instead of for the whole
// plan. A variable so tests can make chunks small.
var planChunk = 4000

// planAttempts bounds the plans started again because the data changed while the
// optimiser ran (a citizen answered, an operator closed a case).
const planAttempts = 3

// Plan runs the optimiser on every citizen still without a proposal, over the
// capacity left in each office-week. A plan (KindPlan) replaces proposals not yet
// sent and waits for Send; a re-plan proposes at once with a fresh deadline.
//
// The data is read and the optimiser runs without the write lock; the write then
// checks that no office-week it fills has lost room and no citizen has left new
// meanwhile, and plans again when one has. A re-plan is written in one transaction;
// a first plan, up to every citizen of the comune, in chunks of planChunk, invisible
// to Send until the run is marked done.
func (s *Service) Plan(ctx context.Context, kind string) (*store.CampaignRun, error) {
	run, _, _, err := s.plan(ctx, kind, nil, time.Time{})
	return run, err
}

// PlanTiming says where a plan's time went: reading what to plan, the optimiser,
// and writing its proposals (the only part that holds the write lock; for a first
// plan, the sum of its chunks, of which Longest is the longest).
type PlanTiming struct {
	Read, Solve, Write, Longest time.Duration
	Attempts                    int
}

// plan plans with retries. due, for a re-plan at an expiry, are the proposals past
// their deadline at now: they expire in the re-plan's own transaction and their
// citizens are planned again in it, so a crash between the two cannot leave them
// waiting for the next expiry, and a citizen re-proposed keeps its state.
func (s *Service) plan(ctx context.Context, kind string, due []store.DueProposal, now time.Time) (*store.CampaignRun, PlanTiming, int, error) {
	var tm PlanTiming
	for attempt := 1; ; attempt++ {
		tm.Attempts = attempt
		if attempt > 1 && due != nil {
			var err error
			if due, err = s.Store.DueCampaignProposals(ctx, now); err != nil {
				return nil, tm, 0, err
			}
		}
		run, err := s.planOnce(ctx, kind, due, now, &tm)
		if errors.Is(err, model.ErrConflict) && attempt < planAttempts {
			s.Log.Info("campaign data changed while planning: planning again", "kind", kind, "attempt", attempt, "err", err)
			continue
		}
		if err != nil {
			return nil, tm, 0, err
		}
		s.Log.Info("campaign planned", "kind", kind, "people", run.People, "planned", run.Planned, "unplanned", run.Unplanned, "gap", run.Gap,
			"millis", run.Millis, "read", tm.Read, "write", tm.Write, "longest_tx", tm.Longest)
		return run, tm, len(due), nil
	}
}

// planOnce is one read, solve and write.
func (s *Service) planOnce(ctx context.Context, kind string, due []store.DueProposal, now time.Time, tm *PlanTiming) (*store.CampaignRun, error) {
	tRead := time.Now()
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := s.Capacities(ctx)
	if err != nil {
		return nil, err
	}
	if len(caps) == 0 {
		return nil, model.Errorf(model.EINVALID, "no active office to plan into")
	}
	// A first plan replaces the planned proposals: their citizens are planned again
	// and their capacity is free for it.
	states, holding := []string{store.CitizenNew}, []string{store.ProposalPlanned, store.ProposalProposed, store.ProposalConfirmed}
	if kind == KindPlan {
		states, holding = []string{store.CitizenNew, store.CitizenPlanned}, holding[1:]
	}
	dueCFs := make([]string, len(due))
	for i, d := range due {
		dueCFs[i] = d.CF
	}
	citizens, err := s.Store.PlanCitizens(ctx, states, dueCFs)
	if err != nil {
		return nil, err
	}
	if len(citizens) == 0 {
		return nil, model.Errorf(model.EINVALID, "no citizen is waiting for a proposal")
	}
	usage, err := s.Store.CampaignWeekUsageIn(ctx, nil, holding...)
	if err != nil {
		return nil, err
	}
	dueCF := make(map[string]bool, len(due))
	freed := map[int64]map[string]map[int]int{} // office → day → minute → places the expiry frees
	for _, d := range due {
		usage[store.CellKey{Office: d.OfficeID, Week: d.Week}]-- // its place comes back
		dueCF[d.CF] = true
		if freed[d.OfficeID] == nil {
			freed[d.OfficeID] = map[string]map[int]int{}
		}
		if freed[d.OfficeID][d.Day] == nil {
			freed[d.OfficeID][d.Day] = map[int]int{}
		}
		freed[d.OfficeID][d.Day][d.Minute]++
	}
	// The first week planned starts after today + 3 days, so every appointment
	// leaves the citizen time to answer before the 72-hour confirmation limit; a
	// re-plan never plans into the past.
	soon := s.today().AddDate(0, 0, 3)
	first := max(0, weekOf(set.Start, soon)+1)
	if soon.Before(set.Start) {
		first = 0
	}
	weeks := set.Weeks - first
	if weeks < 1 {
		return nil, model.Errorf(model.EINVALID, "the campaign has no week left to plan into; extend it in the settings")
	}
	// each office's real appointment starts (booking calendar), see calendars
	cals, err := s.calendars(ctx, set, caps, set.Start.AddDate(0, 0, 7*first), weeks, holding, freed)
	if err != nil {
		return nil, err
	}
	offices := make([]plan.Office, len(caps))
	for i, c := range caps {
		weekly := make([]int, weeks)
		for w := range weekly {
			weekly[w] = max(c.At(first+w)-usage[store.CellKey{Office: c.Office.ID, Week: first + w}], 0)
		}
		offices[i] = plan.Office{ID: c.Office.Code, Name: c.Office.Name, Lat: c.Office.Lat, Lon: c.Office.Lon, Capacity: c.PerWeek, Weekly: weekly, Calendar: cals[c.Office.ID]}
	}
	people := make([]plan.Person, len(citizens))
	for i, c := range citizens {
		people[i] = plan.Person{CF: c.CF, Household: c.Household, Lat: c.Lat, Lon: c.Lon, Birth: c.Birth, Due: c.Due, Frail: c.Frail}
	}
	start := set.Start.AddDate(0, 0, 7*first)
	t0 := time.Now()
	tm.Read = t0.Sub(tRead)
	pctx, cancel := context.WithTimeout(ctx, planTimeout)
	res, err := plan.RunContext(pctx, people, offices, plan.Params{Start: start, Weeks: weeks, Weights: plan.DefaultWeights()})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	run := &store.CampaignRun{CreatedAt: s.now(), Kind: kind, People: len(people), Planned: len(res.Assignments), Unplanned: len(res.Unplanned),
		Cost: res.Stats.Cost, Bound: res.Stats.Bound, Gap: res.Stats.Gap, Millis: time.Since(t0).Milliseconds()}
	tm.Solve = time.Since(t0)
	t1 := time.Now()
	taken, err := s.Store.CampaignLetterCodes(ctx, nil)
	if err != nil {
		return nil, err
	}
	state := store.ProposalPlanned
	var deadline, sent time.Time
	if kind == KindReplan {
		state = store.ProposalProposed
		sent, deadline = s.now(), s.deadline(set)
	}
	ps := make([]*store.CampaignProposal, 0, len(res.Assignments))
	for _, a := range res.Assignments {
		c := citizens[a.Person]
		p := &store.CampaignProposal{
			CF: c.CF, Household: c.Household, OfficeID: caps[a.Office].Office.ID,
			Day: a.Date.Format(time.DateOnly), Minute: a.Minute, Week: weekOf(set.Start, a.Date),
			State: state, Channel: channelOf(c), LetterCode: newLetterCode(taken), Nonce: newNonce(),
			CreatedAt: s.now(), SentAt: sent,
		}
		if kind == KindReplan {
			p.Deadline = s.answerBy(deadline, p)
		}
		ps = append(ps, p)
	}
	capOf := func(k store.CellKey) int {
		for _, c := range caps {
			if c.Office.ID == k.Office {
				return c.At(k.Week)
			}
		}
		return 0
	}
	tm.Read += time.Since(t1)
	if kind == KindReplan {
		var back []string // expired and not planned again: new until the next re-plan
		for _, u := range res.Unplanned {
			if c := citizens[u.Person]; dueCF[c.CF] {
				back = append(back, c.CF)
			}
		}
		t2 := time.Now()
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			if len(due) > 0 {
				n, err := s.Store.ExpireDueProposals(ctx, tx, now)
				if err != nil {
					return err
				}
				if n != len(due) {
					return fmt.Errorf("%d proposals past their deadline, %d when read: %w", n, len(due), model.ErrConflict)
				}
				if err := s.Store.MoveCampaignCitizens(ctx, tx, back, store.CitizenProposed, store.CitizenNew); err != nil {
					return err
				}
			}
			return s.writeChunk(ctx, tx, run, ps, capOf, dueCF, true)
		})
		tm.Write = time.Since(t2)
		tm.Longest = tm.Write
		return run, err
	}
	return run, s.writePlan(ctx, run, ps, capOf, tm)
}

// writePlan writes a first plan: the old planned proposals are cancelled, the run
// is stored not done, its proposals go in chunks, one office-week after another so a
// chunk checks few cells, and the run is marked done at the end.
func (s *Service) writePlan(ctx context.Context, run *store.CampaignRun, ps []*store.CampaignProposal, capOf func(store.CellKey) int, tm *PlanTiming) error {
	timed := func(fn func(tx *store.Tx) error) error {
		t := time.Now()
		err := s.Store.InTx(ctx, fn)
		d := time.Since(t)
		tm.Write += d
		tm.Longest = max(tm.Longest, d)
		return err
	}
	err := timed(func(tx *store.Tx) error {
		if _, err := s.Store.CancelPlannedProposals(ctx, tx); err != nil {
			return err
		}
		return s.Store.InsertCampaignRun(ctx, tx, run)
	})
	if err != nil {
		return err
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].OfficeID != ps[j].OfficeID {
			return ps[i].OfficeID < ps[j].OfficeID
		}
		return ps[i].Week < ps[j].Week
	})
	for i := 0; i < len(ps); {
		// a household is never cut in two chunks: a chunk that fails its check
		// leaves no household half planned
		end := min(i+planChunk, len(ps))
		for end < len(ps) && ps[end].Household == ps[end-1].Household {
			end++
		}
		chunk, last := ps[i:end], end == len(ps)
		err := timed(func(tx *store.Tx) error {
			return s.writeChunk(ctx, tx, run, chunk, capOf, nil, last)
		})
		if err != nil {
			return err
		}
		i = end
	}
	if len(ps) == 0 {
		return s.Store.FinishCampaignRun(ctx, s.Store.Writer(), run)
	}
	return nil
}

// writeChunk checks that the office-weeks chunk fills still have room, writes its
// proposals, moves their citizens from new (those in due keep their state, proposed),
// and when last, marks the run done and queues the e-mails of a re-plan.
func (s *Service) writeChunk(ctx context.Context, tx *store.Tx, run *store.CampaignRun, chunk []*store.CampaignProposal, capOf func(store.CellKey) int, due map[string]bool, last bool) error {
	add := map[store.CellKey]int{}
	for _, p := range chunk {
		add[store.CellKey{Office: p.OfficeID, Week: p.Week}]++
	}
	usage, err := s.Store.CampaignWeekUsage(ctx, tx)
	if err != nil {
		return err
	}
	for k, n := range add {
		if usage[k]+n > capOf(k) {
			return fmt.Errorf("office %d week %d has %d of %d places taken, no room for %d more: %w", k.Office, k.Week, usage[k], capOf(k), n, model.ErrConflict)
		}
	}
	if run.ID == 0 {
		run.Done = last
		if err := s.Store.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
	} else if last {
		if err := s.Store.FinishCampaignRun(ctx, tx, run); err != nil {
			return err
		}
	}
	citizenState := store.CitizenPlanned
	if run.Kind == KindReplan {
		citizenState = store.CitizenProposed
	}
	cfs := make([]string, 0, len(chunk))
	for _, p := range chunk {
		p.RunID = run.ID
		if !due[p.CF] {
			cfs = append(cfs, p.CF)
		}
	}
	if err := s.Store.InsertCampaignProposals(ctx, tx, chunk, ""); err != nil {
		return err
	}
	if err := s.Store.MoveCampaignCitizens(ctx, tx, cfs, store.CitizenNew, citizenState); err != nil {
		return err
	}
	if run.Kind == KindReplan && last {
		return s.queueMail(ctx, tx, fanout{Kind: mailProposal, Run: run.ID})
	}
	return nil
}

func channelOf(c *store.CampaignCitizen) string {
	if c.Email != "" && !c.EmailBad {
		return store.ChannelEmail
	}
	return store.ChannelLetter
}

// answerBy is a proposal's deadline: the campaign's answer window, but never later
// than 72 hours before the appointment, the Ministry's confirmation rule (PRODUCT.md
// §7), so an unconfirmed slot is freed while someone else can still take it.
func (s *Service) answerBy(window time.Time, p *store.CampaignProposal) time.Time {
	if limit := s.At(p.Day, p.Minute).Add(-72 * time.Hour); limit.Before(window) {
		return limit
	}
	return window
}

// deadline is the end of the comune's day ConfirmDays from now.
func (s *Service) deadline(set *store.CampaignSettings) time.Time {
	d := s.now().In(s.Loc).AddDate(0, 0, set.ConfirmDays)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, s.Loc)
}

// SendResult counts a send.
type SendResult struct{ Emails, Letters int }

// Send proposes every planned proposal of a finished run: e-mails are queued,
// letters wait for the PDF. It writes in chunks of planChunk, each queueing one job
// that queues its e-mails, so a send stopped half-way leaves no sent proposal
// without its e-mail, and Send again sends the rest.
func (s *Service) Send(ctx context.Context) (SendResult, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return SendResult{}, err
	}
	ps, err := s.Store.CampaignProposals(ctx, nil, `state = ? AND run_id IN (SELECT id FROM campaign_runs WHERE done = 1)`, store.ProposalPlanned)
	if err != nil {
		return SendResult{}, err
	}
	if len(ps) == 0 {
		return SendResult{}, model.Errorf(model.EINVALID, "nothing to send: run the plan first")
	}
	now := s.now()
	window := s.deadline(set)
	var res SendResult
	for _, p := range ps {
		p.Deadline = s.answerBy(window, p)
		if p.Channel == store.ChannelEmail {
			res.Emails++
		} else {
			res.Letters++
		}
	}
	for i := 0; i < len(ps); i += planChunk {
		chunk := ps[i:min(i+planChunk, len(ps))]
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := s.Store.ProposePlanned(ctx, tx, now, chunk); err != nil {
				return err
			}
			return s.queueMail(ctx, tx, fanout{Kind: mailProposal, SentAt: store.Micros(now), From: chunk[0].ID, To: chunk[len(chunk)-1].ID})
		})
		if err != nil {
			return res, err
		}
	}
	return res, nil
}
