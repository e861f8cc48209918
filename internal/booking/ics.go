package booking

import (
	"net/mail"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Party is a calendar participant: the comune as organiser, the citizen as attendee.
type Party struct {
	Name  string
	Email string
}

// ParseParty reads an address as the configuration writes it ("Name <addr>" or a
// bare address); what does not parse is the zero Party, which the ICS leaves out.
func ParseParty(s string) Party {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return Party{}
	}
	return Party{Name: a.Name, Email: a.Address}
}

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
	// Organizer is the comune's sender and Attendee the citizen (named in a REQUEST
	// or CANCEL only). Outlook and others apply a REQUEST or CANCEL to the event they
	// hold only when it names its organiser (RFC 5546 §3.2); without one they may add
	// a second event instead.
	Organizer Party
	Attendee  Party
	Stamp     time.Time
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
	if e.Organizer.Email != "" {
		ev.SetOrganizer("mailto:"+e.Organizer.Email, cn(e.Organizer)...)
	}
	// a PUBLISH names no attendees (RFC 5546 §3.2.1); a REQUEST and a CANCEL name the
	// citizen. The comune made the appointment for them: no reply is asked for, so a
	// calendar does not send one to the (unattended) sender address.
	if e.Attendee.Email != "" && (e.Request || e.Cancelled) {
		ev.AddAttendee("mailto:"+e.Attendee.Email, append(cn(e.Attendee), ics.ParticipationRoleReqParticipant,
			ics.ParticipationStatusAccepted, &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}})...)
	}
	switch {
	case e.Cancelled:
		ev.SetStatus(ics.ObjectStatusCancelled)
	case e.Tentative:
		ev.SetStatus(ics.ObjectStatusTentative)
	default:
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	// RFC 5545 §3.1 wants CRLF line ends; the library writes the OS's, "\n" here
	return cal.Serialize(ics.WithNewLineWindows)
}

func cn(p Party) []ics.PropertyParameter {
	if p.Name == "" {
		return nil
	}
	return []ics.PropertyParameter{ics.WithCN(p.Name)}
}
