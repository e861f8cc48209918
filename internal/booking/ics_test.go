package booking

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestICSScheduling: every method names the comune as ORGANIZER and the citizen as
// ATTENDEE (no reply asked; a PUBLISH names none), which is what lets a calendar apply a REQUEST or CANCEL
// to the event of the same UID it already holds (RFC 5546 §3.2).
func TestICSScheduling(t *testing.T) {
	start := time.Date(2026, 12, 15, 9, 0, 0, 0, rome)
	org := ParseParty(`"Comune di Milano" <anagrafe@comune.example>`)
	if org != (Party{Name: "Comune di Milano", Email: "anagrafe@comune.example"}) {
		t.Fatalf("ParseParty: %+v", org)
	}
	if p := ParseParty("not an address"); p != (Party{}) {
		t.Fatalf("ParseParty of garbage: %+v", p)
	}
	for _, tt := range []struct {
		name     string
		e        Event
		method   string
		status   string
		partstat string
	}{
		{"publish", Event{Tentative: true}, "PUBLISH", "TENTATIVE", ""},
		{"request", Event{Request: true, Sequence: 2}, "REQUEST", "CONFIRMED", "ACCEPTED"},
		{"cancel", Event{Cancelled: true, Sequence: 3}, "CANCEL", "CANCELLED", "ACCEPTED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.UID, e.Start, e.End, e.Stamp = "x@sportello", start, start.Add(20*time.Minute), start
			e.Organizer, e.Attendee = org, Party{Name: "Mario Rossi", Email: "mario@example.org"}
			cal, err := ics.ParseCalendar(strings.NewReader(ICS(e)))
			if err != nil || len(cal.Events()) != 1 {
				t.Fatalf("parse: %v", err)
			}
			if m := cal.CalendarProperties; !hasProp(m, "METHOD", tt.method) {
				t.Errorf("method: want %s", tt.method)
			}
			ev := cal.Events()[0]
			o := ev.GetProperty(ics.ComponentPropertyOrganizer)
			if o == nil || o.Value != "mailto:anagrafe@comune.example" || o.ICalParameters["CN"][0] != "Comune di Milano" {
				t.Fatalf("organizer %+v", o)
			}
			as := ev.Attendees()
			if tt.partstat == "" { // RFC 5546 §3.2.1: a PUBLISH names no attendees
				if len(as) != 0 {
					t.Fatalf("attendees in a PUBLISH: %+v", as)
				}
			} else if len(as) != 1 || as[0].Email() != "mario@example.org" || as[0].ParticipationStatus() != ics.ParticipationStatus(tt.partstat) ||
				as[0].ICalParameters["RSVP"][0] != "FALSE" {
				t.Fatalf("attendees %+v", as)
			}
			if s := ev.GetProperty(ics.ComponentPropertyStatus); s == nil || s.Value != tt.status {
				t.Errorf("status %+v, want %s", s, tt.status)
			}
			if s := ev.GetProperty(ics.ComponentPropertySequence); s == nil || s.Value != string(rune('0'+e.Sequence)) {
				t.Errorf("sequence %+v, want %d", s, e.Sequence)
			}
		})
	}
	if out := ICS(Event{UID: "z@sportello", Start: start, End: start, Stamp: start}); strings.Count(out, "\r\n") != strings.Count(out, "\n") {
		t.Fatalf("lines not ended by CRLF:\n%q", out)
	}
	// without addresses (no sender configured, a citizen without e-mail) both are left out
	out := ICS(Event{UID: "y@sportello", Start: start, End: start, Stamp: start})
	if strings.Contains(out, "ORGANIZER") || strings.Contains(out, "ATTENDEE") {
		t.Fatalf("empty parties rendered:\n%s", out)
	}
}

func hasProp(ps []ics.CalendarProperty, name, value string) bool {
	for _, p := range ps {
		if p.IANAToken == name && p.Value == value {
			return true
		}
	}
	return false
}
