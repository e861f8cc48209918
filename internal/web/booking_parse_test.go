package web

import "testing"

func TestBookingClock(t *testing.T) {
	for in, want := range map[string]int{"08:30": 510, "0:00": 0, "24:00": 1440, " 9:05 ": 545} {
		if got, ok := bookingClock(in); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "8", "24:01", "12:60", "-1:00", "aa:bb"} {
		if _, ok := bookingClock(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzBookingClock(f *testing.F) {
	f.Add("08:30")
	f.Add("99:99")
	f.Fuzz(func(t *testing.T, s string) {
		if m, ok := bookingClock(s); ok && (m < 0 || m > 24*60) {
			t.Fatalf("%q → %d", s, m)
		}
	})
}

func FuzzBookingCalQuery(f *testing.F) {
	f.Add("3", "parallel", "2026-12", "2026-12-01")
	f.Fuzz(func(t *testing.T, people, mode, month, day string) {
		q := readBookingCalQuery(map[string][]string{"persone": {people}, "modo": {mode}, "mese": {month}, "giorno": {day}})
		if q.people < 1 || q.people > 6 {
			t.Fatalf("people %d", q.people)
		}
	})
}
