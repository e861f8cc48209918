package outreach

import (
	"context"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/store"
)

// calEvent is what a campaign e-mail's calendar file says: a tentative event for the
// proposal, a request that updates it once the citizen answered, and a cancellation
// that removes it after a decline.
type calEvent struct {
	ProposalID  int64
	Sequence    int
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	URL         string
	Lat, Lon    float64
	Confirmed   bool // false: proposed, awaiting the citizen's answer
	Cancelled   bool
	Organizer   booking.Party
	Attendee    booking.Party
	Stamp       time.Time
}

// campaignUID is the calendar UID of a proposal's appointment. The proposal e-mail
// and the confirmation share it, so a calendar that imported the proposal updates
// that event instead of adding a second one.
func campaignUID(id int64) string {
	return "campaign-" + strconv.FormatInt(id, 10) + "@sportello"
}

// ics renders the event: the proposal is published as a tentative event; the
// confirmation is a request, which calendars apply to the event of the same UID.
func (e calEvent) ics() string {
	return booking.ICS(booking.Event{UID: campaignUID(e.ProposalID), Sequence: e.Sequence, Start: e.Start, End: e.End,
		Summary: e.Summary, Location: e.Location, Description: e.Description, URL: e.URL, Lat: e.Lat, Lon: e.Lon,
		Tentative: !e.Confirmed && !e.Cancelled, Request: e.Confirmed && !e.Cancelled, Cancelled: e.Cancelled,
		Organizer: e.Organizer, Attendee: e.Attendee, Stamp: e.Stamp})
}

// method is the iTIP method the e-mail's Content-Type names, as ics says it.
func (e calEvent) method() string {
	switch {
	case e.Cancelled:
		return "CANCEL"
	case e.Confirmed:
		return "REQUEST"
	}
	return "PUBLISH"
}

// organizer is the comune as its calendar files name it: the sender address from
// the configuration, under the comune's name when the address carries none.
func (s *Service) organizer() booking.Party {
	o := s.Organizer
	if o.Name == "" {
		o.Name = s.Comune
	}
	return o
}

// attendee is the citizen as the calendar files name them.
func attendee(c *store.CampaignCitizen) booking.Party {
	return booking.Party{Name: c.GivenNames + " " + c.FamilyName, Email: c.Email}
}

// Sequences of a proposal's event. A proposal re-proposed in place keeps its row and
// so its UID, and each attempt before it raised the sequence: base is their number.
// The proposal (and its reminders) is base; from the confirmation on the event is base
// plus the booking's version, which the booking engine raises on every move and
// cancellation and writes, for the same UID, in its own e-mails' calendar files
// (CalendarUID), so each change outranks the one before. Without a booking (an office
// with no booking calendar) the confirmation is base+1, as is a decline's cancel.
func (s *Service) seqBase(ctx context.Context, p *store.CampaignProposal) (int, error) {
	return s.attempts(ctx, p.ID)
}

func (s *Service) attempts(ctx context.Context, proposalID int64) (int, error) {
	as, err := s.Store.CampaignProposalAttempts(ctx, nil, proposalID)
	return len(as), err
}

// CalendarUID is the booking engine's engine.Engine.CalendarUID: a campaign
// appointment's booking e-mails (reminder, a clerk's move or cancellation) update the
// event of the proposal's UID that the campaign's e-mails put in the calendar.
func (s *Service) CalendarUID(ctx context.Context, b *booking.Booking) (string, int, error) {
	if b.CreatedBy != "campaign" { // engine.CampaignCreator; outreach does not import the engine
		return "", 0, nil
	}
	id, err := s.Store.CampaignProposalOfBooking(ctx, nil, b.ID)
	if err != nil || id == 0 {
		return "", 0, err
	}
	base, err := s.attempts(ctx, id)
	if err != nil {
		return "", 0, err
	}
	return campaignUID(id), base, nil
}
