package booking

import (
	"fmt"
	"time"
)

// Holidays are the days a comune's offices close by law: the Italian national public
// holidays and, when set, the patron saint's day of the comune. An exceptional opening
// on such a day still opens it, like on a closure, because the comune chose to.
type Holidays struct {
	// Patron is the patron saint's day as "MM-DD" (Milan: "12-07", Sant'Ambrogio);
	// empty when the comune keeps none.
	Patron string
}

// ParsePatron checks a patron saint's day given as MM-DD (empty is none).
func ParsePatron(s string) error {
	if s == "" {
		return nil
	}
	// 2024 is a leap year, so 02-29 is accepted
	if len(s) != 5 {
		return fmt.Errorf("patron day %q: want MM-DD", s)
	}
	if _, err := time.Parse(DayFormat, "2024-"+s); err != nil {
		return fmt.Errorf("patron day %q: want MM-DD", s)
	}
	return nil
}

// Is reports whether day (its date, in day's location) is a holiday.
func (h Holidays) Is(day time.Time) bool {
	y, m, d := day.Date()
	if h.Patron != "" && fmt.Sprintf("%02d-%02d", int(m), d) == h.Patron {
		return true
	}
	switch {
	case m == time.January && (d == 1 || d == 6), // Capodanno, Epifania
		m == time.April && d == 25,                           // Liberazione
		m == time.May && d == 1,                              // Festa del lavoro
		m == time.June && d == 2,                             // Festa della Repubblica
		m == time.August && d == 15,                          // Ferragosto
		m == time.November && d == 1,                         // Ognissanti
		m == time.December && (d == 8 || d == 25 || d == 26): // Immacolata, Natale, Santo Stefano
		return true
	}
	em, ed := Easter(y)
	monday := time.Date(y, em, ed+1, 0, 0, 0, 0, time.UTC)
	return m == monday.Month() && d == monday.Day() // Lunedì dell'Angelo
}

// Easter returns the date of Easter Sunday in the Gregorian calendar by the anonymous
// Gregorian (Meeus/Jones/Butcher) algorithm. Hand-written rather than a dependency
// because it is twenty lines of integer arithmetic.
func Easter(year int) (time.Month, int) {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}
