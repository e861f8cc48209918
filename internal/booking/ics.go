package booking

import (
	"time"

	ics "github.com/arran4/golang-ical"
)

// Event is what the calendar attachment says about an appointment.
type Event struct {
	UID         string
	Sequence    int
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	URL         string
	Lat, Lon    float64
	Cancelled   bool
	// Tentative is an appointment offered but not yet accepted (a campaign proposal).
	Tentative bool
	// Request asks calendars to apply the event to the one of the same UID they hold
	// (iTIP REQUEST), as a campaign confirmation does to its proposal's event.
	Request bool
	Stamp   time.Time
}

// ICS renders the event as an iCalendar file (RFC 5545). A cancellation keeps the UID
// and raises the sequence, so calendar apps remove the event they imported before.
func ICS(e Event) string {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Sportello CIE//Prenotazioni//IT")
	switch {
	case e.Cancelled:
		cal.SetMethod(ics.MethodCancel)
	case e.Request:
		cal.SetMethod(ics.MethodRequest)
	default:
		cal.SetMethod(ics.MethodPublish)
	}
	ev := cal.AddEvent(e.UID)
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
	switch {
	case e.Cancelled:
		ev.SetStatus(ics.ObjectStatusCancelled)
	case e.Tentative:
		ev.SetStatus(ics.ObjectStatusTentative)
	default:
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize()
}
