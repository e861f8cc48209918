package outreach

import (
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// calEvent is what a campaign e-mail's calendar file says: a tentative event for the
// proposal, and a request that updates it once the citizen answered.
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
		Tentative: !e.Confirmed, Request: e.Confirmed, Stamp: e.Stamp})
}

// method is the iTIP method the e-mail's Content-Type names, as ics says it.
func (e calEvent) method() string {
	if e.Confirmed {
		return "REQUEST"
	}
	return "PUBLISH"
}
