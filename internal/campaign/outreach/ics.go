package outreach

import (
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"
)

// calEvent is what a campaign e-mail's calendar file says. booking.ICS always marks
// the event confirmed and published; the campaign needs a tentative event for the
// proposal and a request that updates it once the citizen answered.
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

// method is the iTIP method: the proposal is published as information; the
// confirmation is a request, which calendars apply to the event of the same UID.
func (e calEvent) method() ics.Method {
	if e.Confirmed {
		return ics.MethodRequest
	}
	return ics.MethodPublish
}

func (e calEvent) ics() string {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Sportello CIE//Campagna//IT")
	cal.SetMethod(e.method())
	ev := cal.AddEvent(campaignUID(e.ProposalID))
	ev.SetDtStampTime(e.Stamp.UTC())
	ev.SetSequence(e.Sequence)
	ev.SetStartAt(e.Start.UTC())
	ev.SetEndAt(e.End.UTC())
	ev.SetSummary(e.Summary)
	ev.SetLocation(e.Location)
	ev.SetDescription(e.Description)
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	if e.Lat != 0 || e.Lon != 0 {
		ev.SetGeo(e.Lat, e.Lon)
	}
	if e.Confirmed {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	} else {
		ev.SetStatus(ics.ObjectStatusTentative)
	}
	return cal.Serialize()
}
