package outreach

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Phone is the keypad line's view of the campaign (phonebot.Backend). A letter's
// proposal covers its household: the line speaks for everyone awaiting an answer and
// confirms them together, as the letter says.
type Phone struct{ S *Service }

var _ phonebot.Backend = Phone{}

// Find looks a proposal up by letter code and birth year; anything else that does not
// match is ErrNoMatch, so the line never tells a caller which half was wrong. A
// proposal awaiting an answer is offered; a confirmed one whose time has not come is
// read back as it stands now (the citizen's own time, which a relative's household
// move may have changed), for the citizen alone, to change only with an operator.
func (ph Phone) Find(ctx context.Context, code string, birthYear int) (*phonebot.Proposal, error) {
	s := ph.S
	p, err := s.Store.CampaignProposalByCode(ctx, code)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, phonebot.ErrNoMatch
		}
		return nil, err
	}
	confirmed := p.State == store.ProposalConfirmed
	switch {
	case confirmed && s.now().Before(s.At(p.Day, p.Minute)):
	case p.State == store.ProposalProposed && s.now().Before(p.Deadline):
	default:
		return nil, phonebot.ErrNoMatch
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return nil, err
	}
	if c.Birth.Year() != birthYear {
		return nil, phonebot.ErrNoMatch
	}
	hh := []*store.CampaignProposal{p}
	if !confirmed {
		if hh, err = ph.household(ctx, nil, p); err != nil {
			return nil, err
		}
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return nil, err
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	return &phonebot.Proposal{ID: strconv.FormatInt(p.ID, 10), Household: len(hh), Confirmed: confirmed,
		Slot: phonebot.Slot{ID: slotID(p.OfficeID, p.Day, p.Minute), Office: o.Name, Start: s.At(p.Day, p.Minute), Minutes: set.MinutesPerApp}}, nil
}

// household is p and the household's other proposals awaiting an answer.
func (ph Phone) household(ctx context.Context, q store.Querier, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
	all, err := ph.S.Store.HouseholdProposals(ctx, q, p.Household)
	if err != nil {
		return nil, err
	}
	out := []*store.CampaignProposal{p}
	for _, m := range all {
		if m.ID != p.ID && m.State == store.ProposalProposed {
			out = append(out, m)
		}
	}
	return out, nil
}

// Alternatives offers other free slots for the proposal: for a household coming
// together (the link's group), only slots where all of them fit, side by side or one
// after another, one a day at the time nearest the proposal's, as the link page
// offers them; for one person, the nearest free time a day.
func (ph Phone) Alternatives(ctx context.Context, proposalID string, maxSlots int) ([]phonebot.Slot, error) {
	s := ph.S
	id, _ := strconv.ParseInt(proposalID, 10, 64)
	p, err := s.Store.CampaignProposal(ctx, nil, id)
	if err != nil {
		return nil, err
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	group, err := s.group(ctx, nil, p)
	if err != nil {
		return nil, err
	}
	var slots []Slot
	if len(group) == 0 {
		if slots, err = s.Alternatives(ctx, p, maxSlots); err != nil {
			return nil, err
		}
	} else {
		days, err := s.Choices(ctx, p, 1+len(group))
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			if len(slots) >= maxSlots {
				break
			}
			best := -1
			for k, t := range d.Times {
				if best < 0 || abs(minuteOf(t.At)-p.Minute) < abs(minuteOf(d.Times[best].At)-p.Minute) {
					best = k
				}
			}
			if best >= 0 {
				slots = append(slots, d.Times[best])
			}
		}
	}
	out := make([]phonebot.Slot, len(slots))
	for i, sl := range slots {
		out[i] = phonebot.Slot{ID: sl.ID, Office: sl.Office, Start: sl.At, Minutes: set.MinutesPerApp}
	}
	return out, nil
}

func minuteOf(t time.Time) int { return t.Hour()*60 + t.Minute() }

// Confirm confirms the household at slot; a slot filled meanwhile is ErrSlotTaken.
// At the proposal's own slot every household proposal awaiting an answer is
// confirmed, as the letter says; at another, the household coming together moves
// there as the link moves it (changeHousehold: all of them fit, or nobody moves).
// Each confirmed citizen with a working address gets the confirmation e-mail the link
// sends (booking code, calendar update), queued in the same transaction; those without
// one heard the details on the line.
func (ph Phone) Confirm(ctx context.Context, proposalID string, slot phonebot.Slot) error {
	s := ph.S
	id, _ := strconv.ParseInt(proposalID, 10, 64)
	p, err := s.Store.CampaignProposal(ctx, nil, id)
	if err != nil {
		return err
	}
	if p.State != store.ProposalProposed || !s.now().Before(p.Deadline) {
		return phonebot.ErrNoMatch
	}
	if slot.ID != slotID(p.OfficeID, p.Day, p.Minute) {
		_, err := s.changeHousehold(ctx, s.Token(p), slot.ID, ViaPhone)
		if model.ErrorCode(err) == model.ECONFLICT {
			return phonebot.ErrSlotTaken
		}
		return err
	}
	var offices []int64
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.Store.CampaignProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.State != store.ProposalProposed || !s.now().Before(p.Deadline) {
			return phonebot.ErrNoMatch
		}
		hh, err := ph.household(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, m := range hh {
			if err := s.answer(ctx, tx, m, store.ProposalConfirmed, store.CitizenConfirmed, ViaPhone); err != nil {
				return err
			}
			offices = append(offices, m.OfficeID)
		}
		return s.enqueueConfirmed(ctx, tx, hh)
	})
	if model.ErrorCode(err) == model.ECONFLICT {
		return phonebot.ErrSlotTaken
	}
	if err == nil {
		s.booked(offices...)
	}
	return err
}
