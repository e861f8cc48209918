package plan

import (
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// Person is one row of CITIZENS.csv reduced to what planning needs.
type Person struct {
	CF        string // canonical codice fiscale
	Household string
	Lat, Lon  float64
	Birth     time.Time // zero when neither birth_date nor the code gives it
	Due       time.Time
	Frail     bool
	Line      int // line in the CSV, for messages
}

// Office is one row of OFFICES.csv.
type Office struct {
	ID       string
	Name     string
	Lat, Lon float64
	Capacity int // people per week for the campaign
	// Weekly, when set, is the capacity of the first len(Weekly) weeks from
	// Params.Start and overrides Capacity there: what is left of a week differs once
	// some proposals are confirmed, and holidays make some weeks shorter.
	Weekly []int
	// Calendar, when set, is the office's appointment starts per day from the booking
	// calendar (hours, counters, closures, exceptional openings); nil means the
	// default Monday-to-Friday 08:30–16:30 day.
	Calendar Calendar
	Line     int
}

// CapacityAt is the office's capacity in week w.
func (o *Office) CapacityAt(w int) int {
	if w < len(o.Weekly) {
		return o.Weekly[w]
	}
	return o.Capacity
}

// Weights are the objective's coefficients: per metre of great-circle distance
// from residence to office, per week late after the due week, per week early.
type Weights struct {
	Distance float64
	Late     float64
	Early    float64
}

// DefaultWeights are the weights of issue 5.
func DefaultWeights() Weights { return Weights{Distance: 1.3, Late: 300, Early: 50} }

// Params say when the campaign runs and how to weigh the objective.
type Params struct {
	Start   time.Time // first day of week 0
	Weeks   int
	Weights Weights
	// K is the number of nearest offices each household gets an arc to; 0 picks
	// a default. Pricing adds back any excluded arc the duals say is needed.
	K int
	// ElderlyAge is the age at Start from which a person is served first in the
	// morning; 0 means 75.
	ElderlyAge int
	// Holidays close days of the offices without a Calendar (whose calendar has its
	// closed days already): the national holidays and the comune's patron saint's day.
	Holidays booking.Holidays
}
