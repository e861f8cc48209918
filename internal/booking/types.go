package booking

import (
	"time"

	"github.com/sportello/sportello/internal/model"
)

// Service is what a citizen books, e.g. a first CIE or a renewal, with its duration.
type Service struct {
	ID      int64
	Code    string
	NameIT  string
	NameEN  string
	Minutes int
	Active  bool
}

// Name returns the service name in lang ("it" or "en").
func (s *Service) Name(lang string) string {
	if lang == "en" {
		return s.NameEN
	}
	return s.NameIT
}

// Settings are one office's booking rules. Defaults follow PRODUCT.md §4 and §7.
type Settings struct {
	OfficeID int64
	// MinDays and MaxDays bound the booking window: from today+MinDays to today+MaxDays.
	MinDays, MaxDays int
	// ReleaseMin is the local minute of the day when the next day of the window opens,
	// so new capacity appears at a known time, not at random at night (Rome's complaint).
	ReleaseMin int
	// HoldMinutes is how long a held, unconfirmed slot stays reserved.
	HoldMinutes int
	// HoldbackMinutes keeps a cancelled slot out of the pool for a while, so a reseller
	// cannot cancel and rebook it for a buyer at a moment they agreed on.
	HoldbackMinutes int
	// MaxPerCF and MaxPerEmail cap the active future bookings of one person / address.
	MaxPerCF, MaxPerEmail int
	// ReminderHours before the appointment the reminder e-mail goes out.
	ReminderHours int
	// Reconfirm asks the citizen to confirm again ReconfirmDays before the appointment
	// and cancels the booking if not reconfirmed ReconfirmDeadlineHours before it.
	Reconfirm              bool
	ReconfirmDays          int
	ReconfirmDeadlineHours int
}

// DefaultSettings are the rules of an office nobody configured: a 1–60 day window
// opening at 08:00, 10-minute holds, 2 hours of hold-back, 2 active bookings per person
// and 6 per e-mail (a household), a reminder the day before and the Ministry's
// confirmation 10 days before with cancellation 72 hours before (PRODUCT.md §7), off by
// default because it is each comune's choice.
func DefaultSettings(officeID int64) Settings {
	return Settings{OfficeID: officeID, MinDays: 1, MaxDays: 60, ReleaseMin: 8 * 60, HoldMinutes: 10,
		HoldbackMinutes: 120, MaxPerCF: 2, MaxPerEmail: 6, ReminderHours: 24,
		Reconfirm: false, ReconfirmDays: 10, ReconfirmDeadlineHours: 72}
}

// Validate checks settings as a clerk edits them.
func (s *Settings) Validate() error {
	switch {
	case s.MinDays < 0 || s.MinDays > 365:
		return model.FieldError("min_days", "the first bookable day must be 0-365 days ahead")
	case s.MaxDays < s.MinDays || s.MaxDays > 365:
		return model.FieldError("max_days", "the last bookable day must be after the first and at most 365 days ahead")
	case s.ReleaseMin < 0 || s.ReleaseMin >= 24*60:
		return model.FieldError("release_min", "release time must be within the day")
	case s.HoldMinutes < 1 || s.HoldMinutes > 60:
		return model.FieldError("hold_minutes", "a hold lasts 1-60 minutes")
	case s.HoldbackMinutes < 0 || s.HoldbackMinutes > 7*24*60:
		return model.FieldError("holdback_minutes", "hold-back must be 0 minutes to 7 days")
	case s.MaxPerCF < 1 || s.MaxPerEmail < 1:
		return model.FieldError("max_per_cf", "caps must be at least 1")
	case s.ReminderHours < 0 || s.ReminderHours > 24*14:
		return model.FieldError("reminder_hours", "reminder must be 0-336 hours before")
	case s.ReconfirmDays < 1 || s.ReconfirmDays > 60:
		return model.FieldError("reconfirm_days", "reconfirmation request must be 1-60 days before")
	case s.ReconfirmDeadlineHours < 1 || s.ReconfirmDeadlineHours >= s.ReconfirmDays*24:
		return model.FieldError("reconfirm_deadline_hours", "reconfirmation deadline must fall after the request")
	}
	return nil
}

// Closure is a day an office takes no appointments (holiday, strike, works).
type Closure struct {
	ID       int64
	OfficeID int64
	Day      string // YYYY-MM-DD, local
	Note     string
}

// Opening is an exceptional opening on one day (e.g. an open Saturday), added to the
// weekly hours of that day.
type Opening struct {
	ID          int64
	OfficeID    int64
	Day         string
	OpensMin    int
	ClosesMin   int
	SlotMinutes int
	Counters    int
	Note        string
	// VisibleFrom is when citizens start seeing the opening (zero: always); clerks see
	// it at once.
	VisibleFrom time.Time
}

// Validate checks an exceptional opening.
func (o *Opening) Validate() error {
	if _, err := ParseDay(o.Day, time.UTC); err != nil {
		return model.FieldError("day", "date must be YYYY-MM-DD")
	}
	h := model.OpeningHours{Weekday: time.Monday, OpensMin: o.OpensMin, ClosesMin: o.ClosesMin, SlotMinutes: o.SlotMinutes, Counters: o.Counters}
	return h.Validate()
}

// Mode says how the people of a household booking share time and counters.
type Mode string

// Household modes: one after another at one counter, or side by side at several.
const (
	Consecutive Mode = "consecutive"
	Parallel    Mode = "parallel"
)

// MaxPeople bounds a household booking.
const MaxPeople = 6

// Booking states.
const (
	StateHeld      = "held"
	StateConfirmed = "confirmed"
	StateCancelled = "cancelled"
	StateExpired   = "expired"
	StateArrived   = "arrived"
	StateNoShow    = "no_show"
	StateDone      = "done"
)

// Active reports whether a state still holds capacity for the citizen.
func Active(state string) bool {
	return state == StateHeld || state == StateConfirmed || state == StateArrived
}

// Person is one member of a booking.
type Person struct {
	Name    string
	Surname string
	CF      string
}

// Booking is one appointment for one or more people of a household.
type Booking struct {
	ID                int64
	Code              string // short reference printed for the citizen and the clerk
	OfficeID          int64
	ServiceID         int64
	Start, End        time.Time
	People            int
	Mode              Mode
	State             string
	HoldExpires       time.Time
	Email, Phone      string
	Lang              string
	CreatedBy         string // "citizen" or "user:<name>"
	CreatedAt         time.Time
	ConfirmedAt       time.Time
	CancelledAt       time.Time
	ReleaseAt         time.Time
	Released          bool
	ReconfirmRequired bool
	ReconfirmedAt     time.Time
	Version           int
	Persons           []Person
	Units             []Unit
}

// Unit is capacity held at one slot start: N people at Start.
type Unit struct {
	Start time.Time
	N     int
}
