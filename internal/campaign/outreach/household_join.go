package outreach

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// JoinResult says what JoinHouseholds did with each newcomer to a household that
// already has its proposals out.
type JoinResult struct {
	Joined   []Joined
	Unplaced []Unplaced // the project office decides: nothing was proposed to them
}

// Joined is a newcomer proposed next to their household.
type Joined struct {
	CF, Household string
	OfficeID      int64
	Day           string
	Minute        int
}

// Unplaced is a newcomer the household's day has no room for, and why.
type Unplaced struct {
	CF, Household string
	OfficeID      int64
	Day           string
	Reason        string // Unplaced* below
}

// Why a newcomer could not join the household's appointment.
const (
	UnplacedFull    = "full"     // no free start next to the household's, or the office-week is full
	UnplacedTooSoon = "too_soon" // the household's day is closer than minNoticeDays
	UnplacedClosed  = "closed"   // the office closed that day since
	UnplacedOutside = "outside"  // the day is outside the campaign's weeks
)

// JoinHouseholds gives each of cfs still without a proposal (state new) whose
// household already has proposals sent (awaiting an answer or confirmed) a proposal
// of its own at the same office on the same day, at a free start side by side with
// the household's or right before or after them: a household is never split
// (issue 5 §2), and a plan would place the newcomer alone, where capacity is. The
// proposal goes out at once, as the household's did. A household with proposals
// only planned needs nothing here: the next plan plans it again, newcomer included.
// Where there is no room the newcomer is reported, not proposed elsewhere.
func (s *Service) JoinHouseholds(ctx context.Context, cfs []string) (JoinResult, error) {
	var res JoinResult
	cfs, err := s.Store.HouseholdNewcomers(ctx, cfs)
	if err != nil || len(cfs) == 0 {
		return res, err
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return res, err
	}
	for _, cf := range cfs {
		c, err := s.Store.CampaignCitizen(ctx, cf)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return res, err
		}
		if c.State != store.CitizenNew {
			continue
		}
		hh, err := s.Store.HouseholdProposals(ctx, nil, c.Household)
		if err != nil {
			return res, err
		}
		anchor := householdDay(hh, cf)
		if len(anchor) == 0 {
			continue
		}
		var at Joined
		var why string
		err = s.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			at, why, err = s.join(ctx, tx, set, c, anchor)
			return err
		})
		if errors.Is(err, model.ErrConflict) { // the citizen was planned meanwhile
			continue
		}
		if err != nil {
			return res, err
		}
		if why != "" {
			res.Unplaced = append(res.Unplaced, Unplaced{CF: cf, Household: c.Household, OfficeID: anchor[0].OfficeID, Day: anchor[0].Day, Reason: why})
			continue
		}
		res.Joined = append(res.Joined, at)
		s.Log.Info("campaign household join", "household", c.Household, "office", at.OfficeID, "day", at.Day, "minute", at.Minute)
	}
	return res, nil
}

// householdDay is the household's sent proposals (other than cf's) on the office day
// most of them share, the earliest such day on a tie; none when nothing was sent.
func householdDay(hh []*store.CampaignProposal, cf string) []*store.CampaignProposal {
	type key struct {
		office int64
		day    string
	}
	by := map[key][]*store.CampaignProposal{}
	var keys []key
	for _, p := range hh {
		if p.CF == cf || p.State != store.ProposalProposed && p.State != store.ProposalConfirmed {
			continue
		}
		k := key{p.OfficeID, p.Day}
		if by[k] == nil {
			keys = append(keys, k)
		}
		by[k] = append(by[k], p)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(by[keys[i]]) != len(by[keys[j]]) {
			return len(by[keys[i]]) > len(by[keys[j]])
		}
		return keys[i].day < keys[j].day
	})
	if len(keys) == 0 {
		return nil
	}
	return by[keys[0]]
}

// join proposes c a start next to the household's proposals anchor, in tx with the
// office locked as a move locks it; why says what stopped it instead.
func (s *Service) join(ctx context.Context, tx *store.Tx, set *store.CampaignSettings, c *store.CampaignCitizen, anchor []*store.CampaignProposal) (Joined, string, error) {
	office, day := anchor[0].OfficeID, anchor[0].Day
	if err := s.Store.LockOffice(ctx, tx, office); err != nil {
		return Joined{}, "", err
	}
	d, _ := time.Parse(time.DateOnly, day)
	if d.Before(s.today().AddDate(0, 0, minNoticeDays)) {
		return Joined{}, UnplacedTooSoon, nil
	}
	week := weekOf(set.Start, d)
	if week < 0 || week >= set.Weeks {
		return Joined{}, UnplacedOutside, nil
	}
	g, err := s.gridOf(ctx, office, set)
	if err != nil {
		return Joined{}, "", err
	}
	if g.closedOn(d) {
		return Joined{}, UnplacedClosed, nil
	}
	caps, err := s.capacityOf(ctx, office)
	if err != nil {
		return Joined{}, "", err
	}
	usage, err := s.Store.CampaignWeekUsage(ctx, tx)
	if err != nil {
		return Joined{}, "", err
	}
	if usage[store.CellKey{Office: office, Week: week}] >= caps {
		return Joined{}, UnplacedFull, nil
	}
	times := g.day(d)
	free, err := s.freeOn(ctx, tx, office, d, times, g.parallel(caps))
	if err != nil {
		return Joined{}, "", err
	}
	minute, ok := besideHousehold(times, anchor, g.minutes, func(k int) int { return free[k] })
	if !ok {
		return Joined{}, UnplacedFull, nil
	}
	taken, err := s.Store.CampaignLetterCodes(ctx, tx)
	if err != nil {
		return Joined{}, "", err
	}
	now := s.now()
	p := &store.CampaignProposal{CF: c.CF, Household: c.Household, RunID: anchor[0].RunID, OfficeID: office, Day: day, Minute: minute,
		Week: week, State: store.ProposalProposed, Channel: channelOf(c), LetterCode: newLetterCode(taken), Nonce: newNonce(),
		CreatedAt: now, SentAt: now}
	// answered by the household's deadline when that is later: they decide together
	p.Deadline = s.answerBy(s.deadline(set), p)
	for _, m := range anchor {
		if m.State == store.ProposalProposed && m.Deadline.After(p.Deadline) {
			p.Deadline = m.Deadline
		}
	}
	if err := s.Store.InsertCampaignProposals(ctx, tx, []*store.CampaignProposal{p}, store.CitizenProposed); err != nil {
		return Joined{}, "", err
	}
	if p.Channel == store.ChannelEmail {
		ps, err := s.Store.CampaignProposals(ctx, tx, `letter_code = ?`, p.LetterCode)
		if err != nil || len(ps) != 1 {
			return Joined{}, "", errors.Join(err, errors.New("household join: the proposal just written is not there"))
		}
		if err := s.queueMail(ctx, tx, fanout{Kind: mailProposal, SentAt: store.Micros(now), From: ps[0].ID, To: ps[0].ID}); err != nil {
			return Joined{}, "", err
		}
	}
	return Joined{CF: c.CF, Household: c.Household, OfficeID: office, Day: day, Minute: minute}, "", nil
}

// besideHousehold picks the start for one more member: at one of the household's own
// starts (side by side at another counter) if one is free, else the nearest free start
// right before the first or after the last of them with no gap longer than one
// appointment in between (no lunch break between them). free(k) is the room at
// times[k].
func besideHousehold(times []plan.Slot, anchor []*store.CampaignProposal, minutes int, free func(k int) int) (int, bool) {
	first, last := -1, -1
	mine := map[int]bool{}
	for _, p := range anchor {
		mine[p.Minute] = true
	}
	for k, t := range times {
		if mine[t.Minute] {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	if first < 0 {
		return 0, false
	}
	for k := first; k <= last; k++ {
		if mine[times[k].Minute] && free(k) > 0 {
			return times[k].Minute, true
		}
	}
	if k := last + 1; k < len(times) && times[k].Minute-times[last].Minute <= minutes && free(k) > 0 {
		return times[k].Minute, true
	}
	if k := first - 1; k >= 0 && times[first].Minute-times[k].Minute <= minutes && free(k) > 0 {
		return times[k].Minute, true
	}
	return 0, false
}
