package outreach

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Via names how a citizen answered.
const (
	ViaLink  = "link"
	ViaPhone = "phone"
)

// Member is another person of the household with an open proposal.
type Member struct {
	Name     string
	Proposal *store.CampaignProposal
	At       time.Time // the proposal's start
}

// View is what the personal link page shows.
type View struct {
	Token     string
	Proposal  *store.CampaignProposal
	Citizen   *store.CampaignCitizen
	Office    *model.Office
	At        time.Time
	Household []Member // the others, awaiting an answer
	// Booked is the others of the household already confirmed, with their times: a
	// household letter's link or code shows where everybody stands.
	Booked []Member
	// Group is the others who come with this person (see group): a change offers to
	// move them all, to GroupDays, where they fit together.
	Group     []Member
	GroupDays []Day
	Days      []Day  // the alternatives for this person alone
	Slots     []Slot // Days' times in one list
}

// Open checks a personal link and gathers the page: the proposal, the household
// members still awaiting an answer and the alternatives with free capacity. A
// confirmed proposal's current link (Token after the answer) opens too, to change or
// cancel it, and a declined one's, read-only: the page tells by Proposal.State.
func (s *Service) Open(ctx context.Context, token string) (*View, error) {
	p, err := s.verify(token, func(id int64) (*store.CampaignProposal, error) { return s.Store.CampaignProposal(ctx, nil, id) })
	if err == errBadLink && s.superseded(ctx, token) {
		return nil, errSuperseded
	}
	if err != nil {
		return nil, err
	}
	switch p.State {
	case store.ProposalDeclined:
		return s.declinedView(ctx, p, token)
	case store.ProposalProposed, store.ProposalConfirmed:
		return s.view(ctx, p, token)
	}
	return nil, errBadLink
}

func (s *Service) view(ctx context.Context, p *store.CampaignProposal, token string) (*View, error) {
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return nil, err
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return nil, err
	}
	v := &View{Token: token, Proposal: p, Citizen: c, Office: o, At: s.At(p.Day, p.Minute)}
	hh, err := s.Store.HouseholdProposals(ctx, nil, p.Household)
	if err != nil {
		return nil, err
	}
	for _, m := range hh {
		if m.ID == p.ID || m.State != store.ProposalProposed && m.State != store.ProposalConfirmed {
			continue
		}
		mc, err := s.Store.CampaignCitizen(ctx, m.CF)
		if err != nil {
			return nil, err
		}
		mm := Member{Name: mc.GivenNames + " " + mc.FamilyName, Proposal: m, At: s.At(m.Day, m.Minute)}
		if m.State == store.ProposalConfirmed {
			v.Booked = append(v.Booked, mm)
		} else {
			v.Household = append(v.Household, mm)
		}
	}
	group, err := s.group(ctx, nil, p)
	if err != nil {
		return nil, err
	}
	if v.Group, err = s.members(ctx, group); err != nil {
		return nil, err
	}
	if v.Days, err = s.Choices(ctx, p, 1); err != nil {
		return nil, err
	}
	for _, d := range v.Days {
		v.Slots = append(v.Slots, d.Times...)
	}
	if len(group) > 0 {
		if v.GroupDays, err = s.Choices(ctx, p, 1+len(group)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Result is what a decision did, for the page that replaces the used link.
type Result struct {
	State    string
	Office   *model.Office
	At       time.Time
	Count    int // proposals decided, more than one for a household
	Citizen  *store.CampaignCitizen
	Proposal *store.CampaignProposal
	Moved    []Member // the household members moved with the citizen, at their new times
}

// Confirm accepts the proposal, and with household set every household proposal
// still awaiting an answer.
func (s *Service) Confirm(ctx context.Context, token string, household bool) (*Result, error) {
	return s.decide(ctx, token, func(tx *store.Tx, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
		if p.State == store.ProposalConfirmed {
			return nil, ErrAlreadyConfirmed // a second click: nothing to do again
		}
		done := []*store.CampaignProposal{p}
		if err := s.answer(ctx, tx, p, store.ProposalConfirmed, store.CitizenConfirmed, ViaLink); err != nil {
			return nil, err
		}
		if household {
			hh, err := s.Store.HouseholdProposals(ctx, tx, p.Household)
			if err != nil {
				return nil, err
			}
			for _, m := range hh {
				if m.ID != p.ID && m.State == store.ProposalProposed && s.now().Before(m.Deadline) {
					if err := s.answer(ctx, tx, m, store.ProposalConfirmed, store.CitizenConfirmed, ViaLink); err != nil {
						return nil, err
					}
					done = append(done, m)
				}
			}
		}
		return done, nil
	})
}

// Decline refuses the proposal, or cancels the confirmed appointment the link now
// manages; the capacity (and the booking) returns at once and the citizen may book on
// their own later.
func (s *Service) Decline(ctx context.Context, token string) (*Result, error) {
	return s.decide(ctx, token, func(tx *store.Tx, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
		return []*store.CampaignProposal{p}, s.answer(ctx, tx, p, store.ProposalDeclined, store.CitizenDeclined, ViaLink)
	})
}

// Change moves the proposal to another free slot and confirms it there.
func (s *Service) Change(ctx context.Context, token, slotID string) (*Result, error) {
	return s.decide(ctx, token, func(tx *store.Tx, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
		if err := s.move(ctx, tx, p, slotID); err != nil {
			return nil, err
		}
		return []*store.CampaignProposal{p}, s.answer(ctx, tx, p, store.ProposalConfirmed, store.CitizenConfirmed, ViaLink)
	})
}

// decide runs fn, which answers p and returns every proposal it decided, and queues
// the confirmations of those confirmed in the same transaction.
func (s *Service) decide(ctx context.Context, token string, fn func(*store.Tx, *store.CampaignProposal) ([]*store.CampaignProposal, error)) (*Result, error) {
	var res Result
	var from int64
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.verify(token, func(id int64) (*store.CampaignProposal, error) { return s.Store.CampaignProposal(ctx, tx, id) })
		if err != nil {
			return err
		}
		// a confirmed appointment's current link may change or cancel it (verify: until
		// it starts; move: only to a day the office can still prepare)
		if p.State != store.ProposalProposed && p.State != store.ProposalConfirmed {
			return errBadLink
		}
		from = p.OfficeID
		done, err := fn(tx, p)
		if err != nil {
			return err
		}
		if err := s.enqueueConfirmed(ctx, tx, done); err != nil {
			return err
		}
		res.Count = len(done)
		res.State, res.Proposal = p.State, p
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.booked(from, res.Proposal.OfficeID)
	if res.Office, err = s.Store.OfficeByID(ctx, res.Proposal.OfficeID); err != nil {
		return nil, err
	}
	if res.Citizen, err = s.Store.CampaignCitizen(ctx, res.Proposal.CF); err != nil {
		return nil, err
	}
	res.At = s.At(res.Proposal.Day, res.Proposal.Minute)
	return &res, nil
}

// answer records a decision and rotates the nonce, which retires the link.
func (s *Service) answer(ctx context.Context, tx *store.Tx, p *store.CampaignProposal, state, citizenState, via string) error {
	from := p.State
	p.State, p.Nonce, p.DecidedAt, p.DecidedVia = state, newNonce(), s.now(), via
	if err := s.Store.UpdateCampaignProposal(ctx, tx, p, from); err != nil {
		return err
	}
	if err := s.Store.SetCitizenState(ctx, tx, p.CF, citizenState, ""); err != nil {
		return err
	}
	// the booking goes with the answer, in the same transaction
	switch state {
	case store.ProposalConfirmed:
		return s.book(ctx, tx, p)
	case store.ProposalDeclined, store.ProposalCancelled, store.ProposalExpired:
		return s.unbook(ctx, tx, p)
	}
	return nil
}

// Slot is an appointment a citizen may move to.
type Slot struct {
	ID       string // office id, day and minute: "3-2026-02-10-540"
	OfficeID int64
	Office   string
	Address  string
	At       time.Time
	Same     bool // at the proposal's own office
	// Each is, for a household's choice, every member's start (the first is At):
	// side by side at the counters or one right after the other.
	Each []time.Time
}

// Afternoon says whether the slot starts after midday, for the page's wording.
func (sl Slot) Afternoon() bool { return sl.At.Hour() >= 13 }

// Together says whether a household's choice puts everyone at the same time, side by
// side at the counters.
func (sl Slot) Together() bool {
	for _, t := range sl.Each {
		if !t.Equal(sl.At) {
			return false
		}
	}
	return true
}

func slotID(office int64, day string, minute int) string {
	return fmt.Sprintf("%d-%s-%d", office, day, minute)
}

func parseSlotID(id string) (office int64, day string, minute int, err error) {
	parts := strings.SplitN(id, "-", 5)
	if len(parts) != 5 {
		return 0, "", 0, model.FieldError("slot", "unknown slot")
	}
	office, err1 := strconv.ParseInt(parts[0], 10, 64)
	day = strings.Join(parts[1:4], "-")
	minute, err2 := strconv.Atoi(parts[4])
	if _, err3 := time.Parse(time.DateOnly, day); err1 != nil || err2 != nil || err3 != nil {
		return 0, "", 0, model.FieldError("slot", "unknown slot")
	}
	return office, day, minute, nil
}

// move checks live capacity and moves p to the slot; a slot taken meanwhile is a conflict.
func (s *Service) move(ctx context.Context, tx *store.Tx, p *store.CampaignProposal, id string) error {
	office, day, minute, err := parseSlotID(id)
	if err != nil {
		return err
	}
	if err := s.Store.LockOffice(ctx, tx, office); err != nil {
		return err
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	d, _ := time.Parse(time.DateOnly, day)
	g, err := s.gridOf(ctx, office, set)
	if err != nil {
		return err
	}
	if d.Before(s.today().AddDate(0, 0, minNoticeDays)) {
		return model.FieldError("slot", "that time is not offered")
	}
	// a closure the admin added after the alternatives were shown is refused here
	if g.closedOn(d) {
		return errClosed
	}
	if !g.has(d, minute) {
		return model.FieldError("slot", "that time is not in the office's opening hours: please choose another")
	}
	week := weekOf(set.Start, d)
	if week < 0 || week >= set.Weeks {
		return model.FieldError("slot", "that day is outside the campaign")
	}
	caps, err := s.capacityOf(ctx, office)
	if err != nil {
		return err
	}
	usage, err := s.Store.CampaignWeekUsage(ctx, tx)
	if err != nil {
		return err
	}
	slots, err := s.Store.CampaignSlotUsage(ctx, tx, office, day)
	if err != nil {
		return err
	}
	same := p.OfficeID == office && p.Week == week
	used := usage[store.CellKey{Office: office, Week: week}]
	if same {
		used--
	}
	if used >= caps || slots[minute] >= g.parallel(caps) {
		return errTaken
	}
	p.OfficeID, p.Day, p.Minute, p.Week = office, day, minute, week
	return nil
}

func (s *Service) capacityOf(ctx context.Context, office int64) (int, error) {
	caps, err := s.Capacities(ctx)
	if err != nil {
		return 0, err
	}
	for _, c := range caps {
		if c.Office.ID == office {
			return c.PerWeek, nil
		}
	}
	return 0, model.FieldError("slot", "that office takes no campaign appointments")
}
