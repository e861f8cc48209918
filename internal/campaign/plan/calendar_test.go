package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// larga is a calendar like Via Larga's in the booking calendar: 20-minute starts,
// 08:30–13:00 and 14:30–15:30 on weekdays (Thursday until 19:00), with counters
// counters, and the days in closed left out.
func larga(start time.Time, weeks, counters int, closed ...string) Calendar {
	cal := Calendar{}
	for d := start; d.Before(start.AddDate(0, 0, 7*weeks)); d = d.AddDate(0, 0, 1) {
		wd := d.Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			continue
		}
		key := d.Format(time.DateOnly)
		skip := false
		for _, c := range closed {
			skip = skip || c == key
		}
		if skip {
			continue
		}
		end := 15*60 + 30
		if wd == time.Thursday {
			end = 19 * 60
		}
		var s []Slot
		for m := 8*60 + 30; m+20 <= 13*60; m += 20 {
			s = append(s, Slot{Minute: m, Capacity: counters})
		}
		for m := 14*60 + 30; m+20 <= end; m += 20 {
			s = append(s, Slot{Minute: m, Capacity: counters})
		}
		cal[key] = s
	}
	return cal
}

// TestFillFollowsCalendar plans many people into one office with split hours and a
// closed Tuesday: nobody lands outside the calendar's starts, on the closed day, or
// over a start's counters, and households stay on one day.
func TestFillFollowsCalendar(t *testing.T) {
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Monday
	closed := "2026-12-01"                                 // Tuesday of week 0
	cal := larga(start, 2, 3, closed)
	var people []Person
	for i := 0; i < 300; i++ {
		people = append(people, Person{CF: fmt.Sprintf("P%05d", i), Household: fmt.Sprintf("H%d", i/3),
			Lat: 45.46, Lon: 9.19, Due: start.AddDate(0, 0, 7*(i%2))})
	}
	offices := []Office{{ID: "larga", Lat: 45.4606, Lon: 9.1937, Capacity: 200, Calendar: cal}}
	res, err := Run(people, offices, Params{Start: start, Weeks: 2, Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Assignments) != 300 {
		t.Fatalf("%d planned, %d unplanned: %+v", len(res.Assignments), len(res.Unplanned), res.Unplanned[:min(3, len(res.Unplanned))])
	}
	perStart := map[string]int{}
	hhDay := map[string]string{}
	days := map[string]bool{}
	for _, a := range res.Assignments {
		day := a.Date.Format(time.DateOnly)
		days[day] = true
		if day == closed {
			t.Fatalf("person %d planned on the closed day %s", a.Person, day)
		}
		ok := false
		for _, s := range cal[day] {
			ok = ok || s.Minute == a.Minute
		}
		if !ok {
			t.Fatalf("person %d at %s %02d:%02d, not a start of that day's hours", a.Person, day, a.Minute/60, a.Minute%60)
		}
		k := fmt.Sprint(day, a.Minute)
		if perStart[k]++; perStart[k] > 3 {
			t.Fatalf("%d people at %s, over the 3 counters", perStart[k], k)
		}
		hh := people[a.Person].Household
		if prev, seen := hhDay[hh]; seen && prev != day {
			t.Fatalf("household %s on %s and %s", hh, prev, day)
		}
		hhDay[hh] = day
	}
	if len(days) < 8 {
		t.Fatalf("people on %d days only, want them spread over the 9 open days", len(days))
	}
}

// TestCalendarBoundsCapacity gives an office a typed capacity far above what its one
// open day holds: the flow sends it only as many people as its starts take and the
// rest to the next office; alone, the excess is unplanned with a reason, never put on
// a day without hours or over the counters.
func TestCalendarBoundsCapacity(t *testing.T) {
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	cal := Calendar{"2026-12-02": {{Minute: 9 * 60, Capacity: 2}, {Minute: 9*60 + 20, Capacity: 2}}}
	var people []Person
	for i := 0; i < 10; i++ {
		people = append(people, Person{CF: fmt.Sprintf("P%05d", i), Household: fmt.Sprintf("H%d", i), Lat: 45.46, Lon: 9.19, Due: start})
	}
	near := Office{ID: "near", Lat: 45.46, Lon: 9.19, Capacity: 100, Calendar: cal}
	far := Office{ID: "far", Lat: 45.50, Lon: 9.25, Capacity: 100}
	p := Params{Start: start, Weeks: 1, Weights: DefaultWeights()}
	res, err := Run(people, []Office{near, far}, p)
	if err != nil {
		t.Fatal(err)
	}
	at := map[int]int{}
	for _, a := range res.Assignments {
		at[a.Office]++
		if a.Office == 0 && (a.Date.Format(time.DateOnly) != "2026-12-02" || (a.Minute != 9*60 && a.Minute != 9*60+20)) {
			t.Fatalf("person %d at the calendar office on %s minute %d", a.Person, a.Date.Format(time.DateOnly), a.Minute)
		}
	}
	if at[0] != 4 || at[1] != 6 || len(res.Unplanned) != 0 {
		t.Fatalf("near %d, far %d, unplanned %d; want 4, 6, 0", at[0], at[1], len(res.Unplanned))
	}
	if res.Stats.Gap < 0 || res.Stats.Gap > 1e-9 {
		t.Fatalf("gap %v: the calendar's bound should be in the model, not repaired after", res.Stats.Gap)
	}
	res, err = Run(people, []Office{near}, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Assignments) != 4 || len(res.Unplanned) != 6 {
		t.Fatalf("alone: planned %d, unplanned %d; want 4 and 6", len(res.Assignments), len(res.Unplanned))
	}
	for _, u := range res.Unplanned {
		if u.Reason == "" {
			t.Fatal("unplanned without a reason")
		}
	}
}

// TestDefaultCalendarSkipsHolidays plans an office without a calendar over the week of
// the Immacolata (Tuesday 8 December 2026): nobody is put on the holiday.
func TestDefaultCalendarSkipsHolidays(t *testing.T) {
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) // a Monday
	var people []Person
	for i := 0; i < 200; i++ {
		people = append(people, Person{CF: fmt.Sprintf("P%05d", i), Household: fmt.Sprintf("H%d", i), Lat: 45.46, Lon: 9.19, Due: start})
	}
	res, err := Run(people, []Office{{ID: "o", Lat: 45.46, Lon: 9.19, Capacity: 200}}, Params{Start: start, Weeks: 1, Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]int{}
	for _, a := range res.Assignments {
		days[a.Date.Format(time.DateOnly)]++
	}
	if days["2026-12-08"] > 0 || len(res.Assignments) == 0 {
		t.Fatalf("people per day %v", days)
	}
	if len(days) != 4 {
		t.Fatalf("people on days %v, want the week's 4 working days", days)
	}
}

// TestFillKeepsEachDaysShare gives an office twelve counters on Monday and four on
// Tuesday, the same starts, and a week's capacity of half the counter time (the
// campaign's share): a full week puts at most half of each day's counters on the
// campaign at any start, so the four-counter day takes a quarter of the people, not
// half of them at every counter it has.
func TestFillKeepsEachDaysShare(t *testing.T) {
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Monday
	cal := Calendar{}
	room := 0
	for d, counters := range map[string]int{"2026-11-30": 12, "2026-12-01": 4} {
		for m := 9 * 60; m < 9*60+16*20; m += 20 {
			cal[d] = append(cal[d], Slot{Minute: m, Capacity: counters})
			room += counters
		}
	}
	share := room / 2
	var people []Person
	for i := 0; i < share; i++ {
		people = append(people, Person{CF: fmt.Sprintf("P%05d", i), Household: fmt.Sprintf("H%d", i/2), Lat: 45.46, Lon: 9.19, Due: start})
	}
	res, err := Run(people, []Office{{ID: "o", Lat: 45.46, Lon: 9.19, Capacity: share, Calendar: cal}}, Params{Start: start, Weeks: 1, Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unplanned) > 0 {
		t.Fatalf("%d unplanned: %s", len(res.Unplanned), res.Unplanned[0].Reason)
	}
	perDay, perStart := map[string]int{}, map[string]int{}
	for _, a := range res.Assignments {
		day := a.Date.Format(time.DateOnly)
		perDay[day]++
		perStart[fmt.Sprint(day, " ", a.Minute)]++
	}
	if perDay["2026-11-30"] > 16*6 || perDay["2026-12-01"] > 16*2 {
		t.Fatalf("people per day %v, want at most 96 and 32 (half the counters at 16 starts)", perDay)
	}
	for k, n := range perStart {
		if limit := map[bool]int{true: 6, false: 2}[k[:10] == "2026-11-30"]; n > limit {
			t.Fatalf("%d people at %s, over half its counters (%d)", n, k, limit)
		}
	}
}

// TestDefaultCalendarHolidayWeek plans an office without a calendar, 500 people a week,
// over the week of Sant'Ambrogio (Monday 7 December 2026, the patron day given in
// Params) and the Immacolata (Tuesday 8): three days open, so the week takes three
// fifths of its capacity, and no day more than a normal day's 100.
func TestDefaultCalendarHolidayWeek(t *testing.T) {
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	var people []Person
	for i := 0; i < 500; i++ {
		people = append(people, Person{CF: fmt.Sprintf("P%05d", i), Household: fmt.Sprintf("H%d", i), Lat: 45.46, Lon: 9.19, Due: start})
	}
	p := Params{Start: start, Weeks: 1, Weights: DefaultWeights(), Holidays: booking.Holidays{Patron: "12-07"}}
	res, err := Run(people, []Office{{ID: "o", Lat: 45.46, Lon: 9.19, Capacity: 500}}, p)
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]int{}
	for _, a := range res.Assignments {
		days[a.Date.Format(time.DateOnly)]++
	}
	if days["2026-12-07"] > 0 || days["2026-12-08"] > 0 {
		t.Fatalf("people on the holidays: %v", days)
	}
	if len(res.Assignments) != 300 || len(res.Unplanned) != 200 {
		t.Fatalf("planned %d, unplanned %d; want 300 and 200 (three days of a five-day week of 500)", len(res.Assignments), len(res.Unplanned))
	}
	for d, n := range days {
		if n > 100 {
			t.Fatalf("%d people on %s, over a normal day's 100", n, d)
		}
	}
}
