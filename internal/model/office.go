package model

import (
	"fmt"
	"time"
)

// Office is a registry office (delegazione anagrafica) where CIE applications are taken.
type Office struct {
	ID        int64
	Code      string // short stable id used in CSV files and URLs, e.g. "larga"
	Name      string
	Address   string
	Municipio string
	Lat, Lon  float64
	Phone     string
	Active    bool
	Counters  int // counters (workstations) that can issue a CIE
}

// Validate checks an office as an admin edits it.
func (o *Office) Validate() error {
	if o.Code == "" || len(o.Code) > 32 {
		return FieldError("code", "code is required (at most 32 characters)")
	}
	if o.Name == "" {
		return FieldError("name", "name is required")
	}
	if o.Lat < -90 || o.Lat > 90 || o.Lon < -180 || o.Lon > 180 {
		return FieldError("lat", "coordinates out of range")
	}
	if o.Counters < 0 {
		return FieldError("counters", "counters cannot be negative")
	}
	return nil
}

// OpeningHours is one period of a weekday when an office takes appointments.
// Minutes count from midnight in the comune's local time.
type OpeningHours struct {
	ID          int64
	OfficeID    int64
	Weekday     time.Weekday
	OpensMin    int
	ClosesMin   int
	SlotMinutes int
	Counters    int // counters open in this period: the capacity of each slot
}

// Validate checks a period's internal consistency.
func (h *OpeningHours) Validate() error {
	if h.Weekday < time.Sunday || h.Weekday > time.Saturday {
		return FieldError("weekday", "weekday out of range")
	}
	if h.OpensMin < 0 || h.ClosesMin > 24*60 || h.OpensMin >= h.ClosesMin {
		return FieldError("opens", "opening time must be before closing time")
	}
	if h.SlotMinutes < 5 || h.SlotMinutes > 240 {
		return FieldError("slot_minutes", "slot length must be 5-240 minutes")
	}
	if h.Counters < 1 {
		return FieldError("counters", "at least one counter must be open")
	}
	return nil
}

// ClockString formats minutes from midnight as HH:MM.
func ClockString(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
