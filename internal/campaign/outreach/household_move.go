package outreach

import (
	"context"
	"slices"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// group is the household members who come to p's appointment with p: an open
// proposal (awaiting an answer in time, or confirmed) at the same office on the same
// day. A member who already moved alone to another day is not in it.
func (s *Service) group(ctx context.Context, q store.Querier, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
	hh, err := s.Store.HouseholdProposals(ctx, q, p.Household)
	if err != nil {
		return nil, err
	}
	var out []*store.CampaignProposal
	for _, m := range hh {
		if m.ID == p.ID || m.OfficeID != p.OfficeID || m.Day != p.Day {
			continue
		}
		if m.State == store.ProposalConfirmed || m.State == store.ProposalProposed && s.now().Before(m.Deadline) {
			out = append(out, m)
		}
	}
	return out, nil
}

// members names the people of ps, for the pages.
func (s *Service) members(ctx context.Context, ps []*store.CampaignProposal) ([]Member, error) {
	out := make([]Member, 0, len(ps))
	for _, m := range ps {
		c, err := s.Store.CampaignCitizen(ctx, m.CF)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{Name: c.GivenNames + " " + c.FamilyName, Proposal: m, At: s.At(m.Day, m.Minute)})
	}
	return out, nil
}

// ChangeHousehold moves the proposal and its group (the household members coming
// with it) to the office day of slot, together from its time on, and confirms them
// all there, in one transaction: when any of them does not fit, nobody moves. A
// member who already confirmed their own time chose it: they stay there unless the
// mover names their proposal in also (the page lists them by name, unticked). The
// mover gets the confirmation e-mail of the new time, each member moved the e-mail
// that says which relative moved them and how to change it back.
func (s *Service) ChangeHousehold(ctx context.Context, token, slot string, also ...int64) (*Result, error) {
	return s.changeHousehold(ctx, token, slot, ViaLink, also...)
}

// changeHousehold is ChangeHousehold for the channel via (the link, the phone line:
// a caller cannot tick anyone, so their confirmed relatives stay).
func (s *Service) changeHousehold(ctx context.Context, token, slot, via string, also ...int64) (*Result, error) {
	var moved []*store.CampaignProposal
	res, err := s.decide(ctx, token, func(tx *store.Tx, p *store.CampaignProposal) ([]*store.CampaignProposal, error) {
		group, err := s.group(ctx, tx, p)
		if err != nil {
			return nil, err
		}
		office, day, minute, err := parseSlotID(slot)
		if err != nil {
			return nil, err
		}
		all := []*store.CampaignProposal{p}
		for _, m := range group {
			if m.State != store.ProposalConfirmed || slices.Contains(also, m.ID) {
				all = append(all, m)
			}
		}
		at, err := s.place(ctx, tx, office, day, minute, len(all))
		if err != nil {
			return nil, err
		}
		for i, m := range all {
			// move checks each place against the counters again, with the members
			// moved before it counted; the booking engine checks the calendar's
			if err := s.move(ctx, tx, m, slotID(office, day, at[i])); err != nil {
				return nil, err
			}
			if err := s.answer(ctx, tx, m, store.ProposalConfirmed, store.CitizenConfirmed, via); err != nil {
				return nil, err
			}
		}
		moved = all[1:]
		// the others did not choose the new time: their e-mail says who did
		if err := s.enqueueMoved(ctx, tx, moved, p.ID); err != nil {
			return nil, err
		}
		return all[:1], nil
	})
	if err != nil {
		return nil, err
	}
	res.Count = 1 + len(moved)
	if res.Moved, err = s.members(ctx, moved); err != nil {
		return nil, err
	}
	return res, nil
}

// place finds where people fit together from minute on office's day (see fit), from
// the counts of tx with the office locked as move locks it: each one's start, or
// errTaken when the day no longer has room for them all from that time.
func (s *Service) place(ctx context.Context, tx *store.Tx, office int64, day string, minute, people int) ([]int, error) {
	if err := s.Store.LockOffice(ctx, tx, office); err != nil {
		return nil, err
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	g, err := s.gridOf(ctx, office, set)
	if err != nil {
		return nil, err
	}
	caps, err := s.capacityOf(ctx, office)
	if err != nil {
		return nil, err
	}
	d, _ := time.Parse(time.DateOnly, day)
	if g.closedOn(d) {
		return nil, errClosed
	}
	times := g.day(d)
	k := -1
	for i, t := range times {
		if t.Minute == minute {
			k = i
		}
	}
	if k < 0 {
		return nil, model.FieldError("slot", "that time is not in the office's opening hours: please choose another")
	}
	free, err := s.freeOn(ctx, tx, office, d, times, g.parallel(caps))
	if err != nil {
		return nil, err
	}
	at := fit(times, free, k, people, g.minutes)
	if at == nil {
		return nil, errTaken
	}
	return at, nil
}
