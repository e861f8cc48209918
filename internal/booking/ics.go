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
	Stamp       time.Time
}

// ICS renders the event as an iCalendar file (RFC 5545). A cancellation keeps the UID
// and raises the sequence, so calendar apps remove the event they imported before.
func ICS(e Event) string {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Sportello CIE//Prenotazioni//IT")
	if e.Cancelled {
		cal.SetMethod(ics.MethodCancel)
	} else {
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
	if e.Cancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize()
}
