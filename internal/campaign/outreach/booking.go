package outreach

import (
	"context"
	"errors"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Booker is the booking engine as the campaign uses it (engine.Engine implements
// it): a confirmed proposal holds a booking at its office and time, made in the
// transaction that confirms it, so the clerk's agenda and search show the citizen and
// online booking cannot fill the counters the campaign promised. Every method works
// inside the caller's transaction; CampaignDone runs after it commits.
type Booker interface {
	BookCampaign(ctx context.Context, tx *store.Tx, officeID int64, start time.Time, p booking.Person, email, phone string) (*booking.Booking, error)
	CancelCampaign(ctx context.Context, tx *store.Tx, id int64) error
	MoveCampaign(ctx context.Context, tx *store.Tx, id, officeID int64, start time.Time) (*booking.Booking, error)
	CampaignDone(officeIDs ...int64)
}

// errTaken is a confirmation whose time online booking (or another campaign
// citizen) filled meanwhile: the citizen picks another from the alternatives.
var errTaken = model.Errorf(model.ECONFLICT, "that time was just taken: please choose another")

// errClosed is a confirmation for a day the office closed after the proposal was made.
var errClosed = model.FieldError("slot", "the office is closed on that day: please choose another")

// book gives p, being confirmed in tx, its booking; a day closed since the proposal is
// errClosed and a full slot errTaken, and the whole confirmation rolls back.
func (s *Service) book(ctx context.Context, tx *store.Tx, p *store.CampaignProposal) error {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	g, err := s.gridOf(ctx, p.OfficeID, set)
	if err != nil {
		return err
	}
	if d, _ := time.Parse(time.DateOnly, p.Day); g.closedOn(d) {
		return errClosed
	}
	if s.Bookings == nil {
		return nil
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return err
	}
	email := c.Email
	if c.EmailBad {
		email = ""
	}
	id, err := s.Store.CampaignBookingID(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	var b *booking.Booking
	if id != 0 {
		b, err = s.Bookings.MoveCampaign(ctx, tx, id, p.OfficeID, s.At(p.Day, p.Minute))
	} else {
		b, err = s.Bookings.BookCampaign(ctx, tx, p.OfficeID, s.At(p.Day, p.Minute),
			booking.Person{Name: c.GivenNames, Surname: c.FamilyName, CF: c.CF}, email, c.Phone)
	}
	if errors.Is(err, store.ErrSlotTaken) {
		return errTaken
	}
	if err != nil {
		return err
	}
	if b == nil { // an office without a booking calendar: nothing to share
		return s.Store.UnlinkCampaignBooking(ctx, tx, p.ID)
	}
	return s.Store.LinkCampaignBooking(ctx, tx, p.ID, b.ID)
}

// unbook cancels p's booking, if it holds one, in tx.
func (s *Service) unbook(ctx context.Context, tx *store.Tx, p *store.CampaignProposal) error {
	if s.Bookings == nil {
		return nil
	}
	id, err := s.Store.CampaignBookingID(ctx, tx, p.ID)
	if err != nil || id == 0 {
		return err
	}
	if err := s.Bookings.CancelCampaign(ctx, tx, id); err != nil {
		return err
	}
	return s.Store.UnlinkCampaignBooking(ctx, tx, p.ID)
}

// booked tells the engine the offices whose slots a committed decision changed.
func (s *Service) booked(officeIDs ...int64) {
	if s.Bookings != nil {
		s.Bookings.CampaignDone(officeIDs...)
	}
}

// SetOutcome records an operator's outcome for a citizen (store.SetCitizenOutcome:
// it ends the open proposal) and cancels the bookings of proposals that no longer
// hold their time, so the counter's agenda and the online calendar follow.
func (s *Service) SetOutcome(ctx context.Context, cf, state, visitDay string) error {
	if err := s.Store.SetCitizenOutcome(ctx, cf, state, visitDay); err != nil {
		return err
	}
	_, err := s.ReleaseWithdrawn(ctx)
	return err
}

// ReleaseWithdrawn cancels the booking of every proposal no longer confirmed (an
// operator closed the case, or anything else ended it outside a decision here) and
// says how many.
func (s *Service) ReleaseWithdrawn(ctx context.Context) (int, error) {
	if s.Bookings == nil {
		return 0, nil
	}
	var n int
	var offices []int64
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		ps, bs, err := s.Store.StaleCampaignBookings(ctx, tx)
		if err != nil {
			return err
		}
		for i := range ps {
			if err := s.Bookings.CancelCampaign(ctx, tx, bs[i]); err != nil {
				return err
			}
			if err := s.Store.UnlinkCampaignBooking(ctx, tx, ps[i]); err != nil {
				return err
			}
			p, err := s.Store.CampaignProposal(ctx, tx, ps[i])
			if err != nil {
				return err
			}
			offices = append(offices, p.OfficeID)
		}
		n = len(ps)
		return nil
	})
	if err == nil {
		s.booked(offices...)
	}
	return n, err
}

// calendars returns each office's appointment starts over the weeks planned (from
// start), from the booking calendar: hours, slot length and counters, closures and
// exceptional openings, less what bookings and the proposals in holding (without a
// booking yet) already take at each start. The optimiser puts people only there.
func (s *Service) calendars(ctx context.Context, set *store.CampaignSettings, caps []OfficeCapacity, start time.Time, weeks int, holding []string, freed map[int64]map[string]map[int]int) (map[int64]plan.Calendar, error) {
	taken, err := s.calendarTaken(ctx, set, caps, start, weeks, holding)
	if err != nil {
		return nil, err
	}
	return taken.calendars(start, weeks, freed), nil
}

// officeTaken is what calendars reads of an office: its booking grid and what
// bookings and proposals take at each start.
type officeTaken struct {
	g        *grid
	booked   map[int64]int
	proposed map[string]map[int]int
}

type calendarsTaken map[int64]*officeTaken

// calendarTaken is calendars' reads, over the days from start for weeks; the plan
// reads them alongside its other reads, for the earliest start it may choose (a
// later start's days are among them).
func (s *Service) calendarTaken(ctx context.Context, set *store.CampaignSettings, caps []OfficeCapacity, start time.Time, weeks int, holding []string) (calendarsTaken, error) {
	out := make(calendarsTaken, len(caps))
	end := start.AddDate(0, 0, 7*weeks)
	for _, c := range caps {
		g, err := s.gridOf(ctx, c.Office.ID, set)
		if err != nil {
			return nil, err
		}
		from := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, s.Loc)
		to := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, s.Loc)
		booked, err := s.Store.SlotUsage(ctx, c.Office.ID, from, to)
		if err != nil {
			return nil, err
		}
		proposed, err := s.Store.CampaignSlotCounts(ctx, c.Office.ID, start.Format(time.DateOnly), end.Format(time.DateOnly), holding...)
		if err != nil {
			return nil, err
		}
		out[c.Office.ID] = &officeTaken{g: g, booked: booked, proposed: proposed}
	}
	return out, nil
}

// calendars builds the calendars from what was read, over weeks from start (within
// the days read), with the places in freed back.
func (t calendarsTaken) calendars(start time.Time, weeks int, freed map[int64]map[string]map[int]int) map[int64]plan.Calendar {
	out := make(map[int64]plan.Calendar, len(t))
	for office, ot := range t {
		proposed := ot.proposed
		// the proposals this re-plan expires still hold their times in the table: their
		// places are free for it (they expire in the same transaction it writes in)
		for day, mins := range freed[office] {
			for m, n := range mins {
				if proposed[day] != nil {
					proposed[day][m] = max(proposed[day][m]-n, 0)
				}
			}
		}
		out[office] = ot.g.calendar(start, weeks, ot.booked, proposed)
	}
	return out
}
