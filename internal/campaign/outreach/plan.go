package outreach

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"golang.org/x/sync/errgroup"
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

// beforeReplanWrite, when set (tests only), runs between a re-plan's read and its
// write: what an answer or a closure does in that window is what the write's checks
// must catch.
var beforeReplanWrite func()

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
	run, _, _, err := s.plan(ctx, kind, time.Time{})
	return run, err
}

// PlanTiming says where a plan's time went: reading what to plan, the optimiser,
// and writing its proposals (the only part that holds the write lock; for a first
// plan, the sum of its chunks, of which Longest is the longest).
type PlanTiming struct {
	Read, Solve, Write, Longest time.Duration
	Attempts                    int
}

// plan plans with retries. With expireAt set (a re-plan at an expiry) the proposals
// past their deadline at expireAt end in the re-plan's own transaction and their
// citizens are planned again in it, so a crash between the two cannot leave them
// waiting for the next expiry, and a citizen re-proposed keeps its state and its
// proposal (re-proposed in place). It also returns how many proposals expired.
func (s *Service) plan(ctx context.Context, kind string, expireAt time.Time) (*store.CampaignRun, PlanTiming, int, error) {
	var tm PlanTiming
	for attempt := 1; ; attempt++ {
		tm.Attempts = attempt
		run, expired, err := s.planOnce(ctx, kind, expireAt, &tm)
		if errors.Is(err, model.ErrConflict) && attempt < planAttempts {
			s.Log.Info("campaign data changed while planning: planning again", "kind", kind, "attempt", attempt, "err", err)
			continue
		}
		if err != nil {
			return nil, tm, 0, err
		}
		s.Log.Info("campaign planned", "kind", kind, "people", run.People, "planned", run.Planned, "unplanned", run.Unplanned, "gap", run.Gap,
			"millis", run.Millis, "read", tm.Read, "write", tm.Write, "longest_tx", tm.Longest)
		return run, tm, expired, nil
	}
}

// planOnce is one read, solve and write; it returns how many proposals expired.
func (s *Service) planOnce(ctx context.Context, kind string, now time.Time, tm *PlanTiming) (*store.CampaignRun, int, error) {
	tRead := time.Now()
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, 0, err
	}
	// A first plan replaces the planned proposals: their citizens are planned again
	// and their capacity is free for it.
	states, holding := []string{store.CitizenNew}, []string{store.ProposalPlanned, store.ProposalProposed, store.ProposalConfirmed}
	if kind == KindPlan {
		states, holding = []string{store.CitizenNew, store.CitizenPlanned}, holding[1:]
	}
	// The reads are independent and the read pool has connections to spare: run at
	// once, the pass waits for the longest (a Milan re-plan's due citizens) instead
	// of the sum. They were never one snapshot: the write's checks catch what
	// changes between them, as what changes while the optimiser runs.
	// The calendars are read with the rest, from the earliest week the plan may
	// start in (a letter's answer window starts later than an e-mail's): which it
	// starts in depends on the channels of the citizens being read.
	firstOf := func(from time.Time) int {
		first := max(0, weekOf(set.Start, from))
		if set.Start.AddDate(0, 0, 7*first).Before(from) {
			first++
		}
		return first
	}
	readFirst := min(firstOf(s.earliest(set, store.ChannelEmail)), firstOf(s.earliest(set, store.ChannelLetter)))
	var (
		taken                 calendarsTaken
		caps                  []OfficeCapacity
		citizens, dueCitizens []*store.CampaignCitizen
		due                   []store.DueProposal
		usage                 map[store.CellKey]int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if caps, err = s.Capacities(gctx); err != nil || set.Weeks-readFirst < 1 {
			return err
		}
		taken, err = s.calendarTaken(gctx, set, caps, set.Start.AddDate(0, 0, 7*readFirst), set.Weeks-readFirst, holding)
		return err
	})
	g.Go(func() (err error) {
		if citizens, err = s.Store.PlanCitizens(gctx, states); err != nil {
			return err
		}
		// not the due ones: they are re-proposed or put back to new by this run
		citizens, err = s.withoutSelfBooked(gctx, citizens)
		return err
	})
	if !now.IsZero() {
		g.Go(func() (err error) { due, dueCitizens, err = s.Store.DuePlanCitizens(gctx, now); return err })
	}
	g.Go(func() (err error) { usage, err = s.Store.CampaignWeekUsageIn(gctx, nil, holding...); return err })
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	if len(caps) == 0 {
		return nil, 0, model.Errorf(model.EINVALID, "no active office to plan into")
	}
	var closedDue []int64
	if !now.IsZero() {
		for i, c := range dueCitizens {
			if c == nil { // a case closed meanwhile: its proposal only expires
				closedDue = append(closedDue, due[i].ID)
				continue
			}
			citizens = append(citizens, c)
		}
		// households together, in a stable order, as PlanCitizens gives them
		slices.SortFunc(citizens, func(a, b *store.CampaignCitizen) int {
			return cmp.Or(strings.Compare(a.Household, b.Household), strings.Compare(a.CF, b.CF))
		})
	}
	if len(citizens) == 0 {
		return nil, 0, model.Errorf(model.EINVALID, "no citizen is waiting for a proposal")
	}
	dueOf := make(map[string]*store.DueProposal, len(due)) // by citizen
	freed := map[int64]map[string]map[int]int{}            // office → day → minute → places the expiry frees
	for i, d := range due {
		usage[store.CellKey{Office: d.OfficeID, Week: d.Week}]-- // its place comes back
		dueOf[d.CF] = &due[i]
		if freed[d.OfficeID] == nil {
			freed[d.OfficeID] = map[string]map[int]int{}
		}
		if freed[d.OfficeID][d.Day] == nil {
			freed[d.OfficeID][d.Day] = map[int]int{}
		}
		freed[d.OfficeID][d.Day][d.Minute]++
	}
	// Every appointment leaves its citizen the whole answer window and then the 72
	// hours of the confirmation rule, a letter's also the post (earliest). The plan
	// is in whole weeks: it starts at the first week that begins no earlier than
	// that, for the slowest channel among the people planned. A first plan is
	// reviewed before it is sent: Send checks the window again on the day it sends.
	from := s.earliest(set, store.ChannelEmail)
	for _, c := range citizens {
		if channelOf(c) == store.ChannelLetter {
			from = s.earliest(set, store.ChannelLetter)
			break
		}
	}
	first := firstOf(from) // not before readFirst
	weeks := set.Weeks - first
	if weeks < 1 {
		return nil, 0, model.Errorf(model.EINVALID, "the campaign has no week left to plan into; extend it in the settings")
	}
	// each office's real appointment starts (booking calendar), see calendars
	cals := taken.calendars(set.Start.AddDate(0, 0, 7*first), weeks, freed)
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
		return nil, 0, fmt.Errorf("plan: %w", err)
	}
	run := &store.CampaignRun{CreatedAt: s.now(), Kind: kind, People: len(people), Planned: len(res.Assignments), Unplanned: len(res.Unplanned),
		Cost: res.Stats.Cost, Bound: res.Stats.Bound, Gap: res.Stats.Gap, Millis: time.Since(t0).Milliseconds()}
	tm.Solve = time.Since(t0)
	t1 := time.Now()
	state := store.ProposalPlanned
	var sent time.Time
	if kind == KindReplan {
		state = store.ProposalProposed
		sent = s.now()
	}
	// a citizen whose proposal expires here and is planned again keeps its row, and
	// so its letter code: it is re-proposed in place (again); the others get a new
	// proposal (ps)
	ps := make([]*store.CampaignProposal, 0, len(res.Assignments))
	var again []*store.CampaignProposal
	created, nonces := s.now(), newNonces(len(res.Assignments))
	window := map[string]time.Time{} // by channel
	for i, a := range res.Assignments {
		c := citizens[a.Person]
		p := &store.CampaignProposal{
			CF: c.CF, Household: c.Household, OfficeID: caps[a.Office].Office.ID,
			Day: a.Date.Format(time.DateOnly), Minute: a.Minute, Week: weekOf(set.Start, a.Date),
			State: state, Channel: channelOf(c), Nonce: nonces[i],
			CreatedAt: created, SentAt: sent,
		}
		if kind == KindReplan {
			w, ok := window[p.Channel]
			if !ok {
				w = s.deadlineFor(set, p.Channel)
				window[p.Channel] = w
			}
			p.Deadline = s.answerBy(w, p)
		}
		if d := dueOf[c.CF]; d != nil {
			p.ID = d.ID
			again = append(again, p)
			continue
		}
		ps = append(ps, p)
	}
	if err := s.letterCodes(ctx, ps); err != nil {
		return nil, 0, err
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
		ended := closedDue
		for _, u := range res.Unplanned {
			if d := dueOf[citizens[u.Person].CF]; d != nil {
				back, ended = append(back, d.CF), append(ended, d.ID)
			}
		}
		if beforeReplanWrite != nil {
			beforeReplanWrite()
		}
		t2 := time.Now()
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			run.ID = 0 // InTx may retry
			return s.writeReplan(ctx, tx, run, now, due, ended, back, again, ps, capOf)
		})
		tm.Write = time.Since(t2)
		tm.Longest = tm.Write
		return run, len(due), err
	}
	return run, 0, s.writePlan(ctx, run, ps, capOf, tm)
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
			return s.writeChunk(ctx, tx, run, chunk, capOf, last)
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

// writeChunk checks that the office-weeks a first plan's chunk fills still have room,
// writes its proposals, moves their citizens from new to planned, and when last,
// marks the run done.
func (s *Service) writeChunk(ctx context.Context, tx *store.Tx, run *store.CampaignRun, chunk []*store.CampaignProposal, capOf func(store.CellKey) int, last bool) error {
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
	cfs := make([]string, len(chunk))
	for i, p := range chunk {
		p.RunID = run.ID
		cfs[i] = p.CF
	}
	if err := s.Store.InsertCampaignProposals(ctx, tx, chunk, ""); err != nil {
		return err
	}
	return s.Store.MoveCampaignCitizens(ctx, tx, cfs, store.CitizenNew, store.CitizenPlanned)
}

// writeReplan writes a re-plan in one transaction: the proposals past their deadline
// that it could not place expire (ended; their citizens, back, return to new), those
// it placed (again) are re-proposed in place with their expired attempt kept as
// history, the citizens who were new get new proposals (ps), and the e-mails are
// queued. Any office-week it fills past its capacity, or a due proposal answered or
// ended meanwhile, is model.ErrConflict: the caller plans again.
func (s *Service) writeReplan(ctx context.Context, tx *store.Tx, run *store.CampaignRun, now time.Time, due []store.DueProposal, ended []int64, back []string,
	again, ps []*store.CampaignProposal, capOf func(store.CellKey) int) error {
	if len(due) > 0 {
		n, err := s.Store.ExpireCampaignProposalsByID(ctx, tx, now, ended)
		if err != nil {
			return err
		}
		if err := s.Store.MoveCampaignCitizens(ctx, tx, back, store.CitizenProposed, store.CitizenNew); err != nil {
			return err
		}
		// every other due proposal is one placed again: its attempt goes to the history
		m, err := s.Store.RetireDueAttempts(ctx, tx, now)
		if err != nil {
			return err
		}
		if n != len(ended) || m != len(again) {
			return fmt.Errorf("%d proposals past their deadline, %d when read: %w", n+m, len(due), model.ErrConflict)
		}
	}
	run.Done = true
	if err := s.Store.InsertCampaignRun(ctx, tx, run); err != nil {
		return err
	}
	for _, p := range again {
		p.RunID = run.ID
	}
	if err := s.Store.ReproposeCampaignProposals(ctx, tx, now, s.now(), again); err != nil {
		return err
	}
	dueOf := make(map[int64]*store.DueProposal, len(due))
	for i := range due {
		dueOf[due[i].ID] = &due[i]
	}
	for _, p := range again {
		if d := dueOf[p.ID]; d != nil && d.Household != p.Household {
			if err := s.Store.SetCampaignProposalHousehold(ctx, tx, p.ID, p.Household); err != nil {
				return err
			}
		}
	}
	cfs := make([]string, len(ps))
	for i, p := range ps {
		p.RunID = run.ID
		cfs[i] = p.CF
	}
	if err := s.Store.InsertCampaignProposals(ctx, tx, ps, ""); err != nil {
		return err
	}
	if err := s.Store.MoveCampaignCitizens(ctx, tx, cfs, store.CitizenNew, store.CitizenProposed); err != nil {
		return err
	}
	// the capacity check, after the write: the office-weeks it fills must not be
	// over capacity now (a booking or an answer may have taken places meanwhile)
	usage, err := s.Store.CampaignWeekUsage(ctx, tx)
	if err != nil {
		return err
	}
	filled := map[store.CellKey]bool{}
	for _, list := range [][]*store.CampaignProposal{again, ps} {
		for _, p := range list {
			filled[store.CellKey{Office: p.OfficeID, Week: p.Week}] = true
		}
	}
	for k := range filled {
		if usage[k] > capOf(k) {
			return fmt.Errorf("office %d week %d would have %d of %d places taken: %w", k.Office, k.Week, usage[k], capOf(k), model.ErrConflict)
		}
	}
	return s.queueMail(ctx, tx, fanout{Kind: mailProposal, Run: run.ID})
}

// letterCodes gives each of ps a letter code no proposal has: random, checked
// against the codes in use by lookup rather than by reading them all.
func (s *Service) letterCodes(ctx context.Context, ps []*store.CampaignProposal) error {
	todo := ps
	mine := make(map[string]bool, len(ps))
	for len(todo) > 0 {
		codes := make([]string, len(todo))
		for i, p := range todo {
			p.LetterCode = newLetterCode(mine)
			codes[i] = p.LetterCode
		}
		taken, err := s.Store.TakenLetterCodes(ctx, codes)
		if err != nil {
			return err
		}
		var left []*store.CampaignProposal
		for _, p := range todo {
			if taken[p.LetterCode] {
				left = append(left, p)
			}
		}
		todo = left
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

// deadline is the end of the comune's day ConfirmDays from now: an e-mail's answer
// deadline.
func (s *Service) deadline(set *store.CampaignSettings) time.Time {
	return s.deadlineFor(set, store.ChannelEmail)
}

// deadlineFor is the answer deadline of a proposal sent now by channel: the end of
// the comune's day ConfirmDays from now, and for a letter PostalDays later, as its
// window starts when it arrives.
func (s *Service) deadlineFor(set *store.CampaignSettings, channel string) time.Time {
	days := set.ConfirmDays
	if channel == store.ChannelLetter {
		days += set.PostalDays
	}
	d := s.now().In(s.Loc).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, s.Loc)
}

// earliest is the first day (midnight UTC, as proposals' days) an appointment
// proposed now by channel may fall on so that it leaves the whole answer window and
// then the 72 hours of the confirmation rule: the day after deadlineFor + 72 hours.
func (s *Service) earliest(set *store.CampaignSettings, channel string) time.Time {
	d := s.deadlineFor(set, channel).Add(72 * time.Hour)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, time.UTC)
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
	// a plan reviewed for days may have proposals that no longer leave the answer
	// window if sent today: nothing is sent, the plan is made again
	tooSoon := 0
	for _, p := range ps {
		if day, _ := time.Parse(time.DateOnly, p.Day); day.Before(s.earliest(set, p.Channel)) {
			tooSoon++
		}
	}
	if tooSoon > 0 {
		return SendResult{}, model.Errorf(model.EINVALID, "%d planned proposals are too soon to leave the answer window if sent today (appointments from %s for e-mails, %s for letters): run the plan again",
			tooSoon, s.earliest(set, store.ChannelEmail).Format(time.DateOnly), s.earliest(set, store.ChannelLetter).Format(time.DateOnly))
	}
	var res SendResult
	for _, p := range ps {
		p.Deadline = s.answerBy(s.deadlineFor(set, p.Channel), p)
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
