package outreach

import (
	"context"
	"fmt"
	"math"
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

// Plan runs the optimiser on every citizen still without a proposal, over the
// capacity left in each office-week. A plan (KindPlan) replaces proposals not yet
// sent and waits for Send; a re-plan proposes at once with a fresh deadline.
func (s *Service) Plan(ctx context.Context, kind string) (*store.CampaignRun, error) {
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
	var run *store.CampaignRun
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if kind == KindPlan {
			if _, err := s.Store.CancelPlannedProposals(ctx, tx); err != nil {
				return err
			}
		}
		citizens, err := s.Store.CampaignCitizens(ctx, tx, store.CitizenNew)
		if err != nil {
			return err
		}
		if len(citizens) == 0 {
			return model.Errorf(model.EINVALID, "no citizen is waiting for a proposal")
		}
		usage, err := s.Store.CampaignWeekUsage(ctx, tx)
		if err != nil {
			return err
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
			return model.Errorf(model.EINVALID, "the campaign has no week left to plan into; extend it in the settings")
		}
		// each office's real appointment starts (booking calendar), see calendars
		cals, err := s.calendars(ctx, set, caps, set.Start.AddDate(0, 0, 7*first), weeks, []string{store.ProposalPlanned, store.ProposalProposed, store.ProposalConfirmed})
		if err != nil {
			return err
		}
		offices := make([]plan.Office, len(caps))
		for i, c := range caps {
			// plan.Run takes one capacity per office for all weeks; the smallest
			// remainder over the weeks never overbooks a week.
			free := math.MaxInt
			for w := first; w < set.Weeks; w++ {
				free = min(free, c.PerWeek-usage[store.CellKey{Office: c.Office.ID, Week: w}])
			}
			offices[i] = plan.Office{ID: c.Office.Code, Name: c.Office.Name, Lat: c.Office.Lat, Lon: c.Office.Lon, Capacity: max(free, 0), Calendar: cals[c.Office.ID]}
		}
		people := make([]plan.Person, len(citizens))
		for i, c := range citizens {
			people[i] = plan.Person{CF: c.CF, Household: c.Household, Lat: c.Lat, Lon: c.Lon, Birth: c.Birth, Due: c.Due, Frail: c.Frail}
		}
		start := set.Start.AddDate(0, 0, 7*first)
		t0 := time.Now()
		// a bound on the solve, so a stuck plan cannot hold the write transaction
		pctx, cancel := context.WithTimeout(ctx, planTimeout)
		res, err := plan.RunContext(pctx, people, offices, plan.Params{Start: start, Weeks: weeks, Weights: plan.DefaultWeights()})
		cancel()
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		run = &store.CampaignRun{CreatedAt: s.now(), Kind: kind, People: len(people), Planned: len(res.Assignments), Unplanned: len(res.Unplanned),
			Cost: res.Stats.Cost, Bound: res.Stats.Bound, Gap: res.Stats.Gap, Millis: time.Since(t0).Milliseconds()}
		if err := s.Store.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		taken, err := s.Store.CampaignLetterCodes(ctx, tx)
		if err != nil {
			return err
		}
		state, citizenState := store.ProposalPlanned, store.CitizenPlanned
		var deadline, sent time.Time
		if kind == KindReplan {
			state, citizenState = store.ProposalProposed, store.CitizenProposed
			sent, deadline = s.now(), s.deadline(set)
		}
		ps := make([]*store.CampaignProposal, 0, len(res.Assignments))
		for _, a := range res.Assignments {
			c := citizens[a.Person]
			ps = append(ps, &store.CampaignProposal{
				CF: c.CF, Household: c.Household, RunID: run.ID, OfficeID: caps[a.Office].Office.ID,
				Day: a.Date.Format(time.DateOnly), Minute: a.Minute, Week: weekOf(set.Start, a.Date),
				State: state, Channel: channelOf(c), LetterCode: newLetterCode(taken), Nonce: newNonce(),
				CreatedAt: s.now(), SentAt: sent,
			})
			if kind == KindReplan {
				ps[len(ps)-1].Deadline = s.answerBy(deadline, ps[len(ps)-1])
			}
		}
		if err := s.Store.InsertCampaignProposals(ctx, tx, ps, citizenState); err != nil {
			return err
		}
		if kind == KindReplan {
			return s.enqueueMail(ctx, tx, ps, mailProposal)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("campaign planned", "kind", kind, "people", run.People, "planned", run.Planned, "unplanned", run.Unplanned, "gap", run.Gap, "millis", run.Millis)
	return run, nil
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

// Send proposes every planned proposal: e-mails are queued, letters wait for the PDF.
func (s *Service) Send(ctx context.Context) (SendResult, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return SendResult{}, err
	}
	var res SendResult
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		res = SendResult{}
		ps, err := s.Store.CampaignProposals(ctx, tx, `state = ?`, store.ProposalPlanned)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return model.Errorf(model.EINVALID, "nothing to send: run the plan first")
		}
		window := s.deadline(set)
		for _, p := range ps {
			p.Deadline = s.answerBy(window, p)
		}
		if err := s.Store.ProposePlanned(ctx, tx, s.now(), ps); err != nil {
			return err
		}
		var mails []*store.CampaignProposal
		for _, p := range ps {
			if p.Channel == store.ChannelEmail {
				mails = append(mails, p)
			} else {
				res.Letters++
			}
		}
		res.Emails = len(mails)
		return s.enqueueMail(ctx, tx, mails, mailProposal)
	})
	return res, err
}
