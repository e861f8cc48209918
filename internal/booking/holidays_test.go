package booking

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	// dates from the published Easter tables
	for y, want := range map[int]string{2024: "03-31", 2025: "04-20", 2026: "04-05", 2027: "03-28", 2038: "04-25", 2285: "03-22"} {
		m, d := Easter(y)
		if got := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("01-02"); got != want {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestHolidays(t *testing.T) {
	milan := Holidays{Patron: "12-07"}
	want := map[int][]string{
		2026: {"01-01", "01-06", "04-06", "04-25", "05-01", "06-02", "08-15", "11-01", "12-07", "12-08", "12-25", "12-26"},
		2027: {"01-01", "01-06", "03-29", "04-25", "05-01", "06-02", "08-15", "11-01", "12-07", "12-08", "12-25", "12-26"},
	}
	for y, days := range want {
		var got []string
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if milan.Is(d) {
				got = append(got, d.Format("01-02"))
			}
		}
		if len(got) != len(days) {
			t.Fatalf("%d: holidays %v, want %v", y, got, days)
		}
		for i := range got {
			if got[i] != days[i] {
				t.Fatalf("%d: holidays %v, want %v", y, got, days)
			}
		}
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	if (Holidays{}).Is(time.Date(2026, 12, 7, 0, 0, 0, 0, rome)) {
		t.Error("12-07 is a holiday without a patron day")
	}
	if (Holidays{}).Is(time.Date(2026, 4, 5, 0, 0, 0, 0, rome)) == (Holidays{}).Is(time.Date(2026, 4, 6, 0, 0, 0, 0, rome)) {
		t.Error("Easter Sunday is not a public holiday by this table, the Monday is")
	}
	// the local date counts, not UTC's: 8 December 00:30 in Rome is still 7 December in UTC
	if !(Holidays{}).Is(time.Date(2026, 12, 8, 0, 30, 0, 0, rome)) {
		t.Error("local 12-08 not a holiday")
	}
}

func TestParsePatron(t *testing.T) {
	for s, ok := range map[string]bool{"": true, "12-07": true, "02-29": true, "13-01": false, "12-32": false, "7/12": false, "1207": false} {
		if err := ParsePatron(s); (err == nil) != ok {
			t.Errorf("ParsePatron(%q) = %v", s, err)
		}
	}
}
