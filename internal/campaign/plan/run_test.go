package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var testStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

// personCost is the objective of one person, computed from the definition and
// independently of the model's integer units.
func personCost(p Person, o Office, date, start time.Time, w Weights) float64 {
	due := int(math.Floor(p.Due.Sub(start).Hours() / 24 / 7))
	week := int(math.Floor(date.Sub(start).Hours() / 24 / 7))
	c := w.Distance * distance(p.Lat, p.Lon, o.Lat, o.Lon)
	if week > due {
		c += w.Late * float64(week-due)
	} else {
		c += w.Early * float64(due-week)
	}
	return c
}

// checkPlan verifies what every plan must satisfy and returns its cost.
func checkPlan(t *testing.T, people []Person, offices []Office, p Params, res *Result) float64 {
	t.Helper()
	type cell struct {
		o    int
		week int
	}
	load := map[cell]int{}
	hhAt := map[string]string{}
	seen := make([]bool, len(people))
	var cost float64
	for _, a := range res.Assignments {
		if seen[a.Person] {
			t.Fatalf("person %d planned twice", a.Person)
		}
		seen[a.Person] = true
		pp := people[a.Person]
		if wd := a.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("person %d planned on a %v", a.Person, wd)
		}
		if a.Minute < openMinute || a.Minute >= closeMinute {
			t.Fatalf("person %d at minute %d, outside opening hours", a.Person, a.Minute)
		}
		week := int(a.Date.Sub(p.Start).Hours() / 24 / 7)
		if week < 0 || week >= p.Weeks {
			t.Fatalf("person %d in week %d outside the horizon", a.Person, week)
		}
		load[cell{a.Office, week}]++
		where := fmt.Sprintf("%d %s", a.Office, a.Date.Format("2006-01-02"))
		if prev, ok := hhAt[pp.Household]; ok && prev != where {
			t.Fatalf("household %s split: %s and %s", pp.Household, prev, where)
		}
		hhAt[pp.Household] = where
		cost += personCost(pp, offices[a.Office], a.Date, p.Start, p.Weights)
	}
	for _, u := range res.Unplanned {
		if seen[u.Person] {
			t.Fatalf("person %d both planned and unplanned", u.Person)
		}
		if u.Reason == "" {
			t.Fatalf("person %d unplanned without a reason", u.Person)
		}
		seen[u.Person] = true
		if _, ok := hhAt[people[u.Person].Household]; ok {
			t.Fatalf("household %s partly planned", people[u.Person].Household)
		}
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("person %d neither planned nor reported", i)
		}
	}
	for c, n := range load {
		if n > offices[c.o].CapacityAt(c.week) {
			t.Fatalf("office %d week %d: %d people, capacity %d", c.o, c.week, n, offices[c.o].CapacityAt(c.week))
		}
	}
	// The model rounds each person's distance cost to a hundredth.
	if d := math.Abs(cost - res.Stats.Cost); d > 0.01*float64(len(people)) {
		t.Fatalf("plan costs %.2f by the definition, %.2f by the model", cost, res.Stats.Cost)
	}
	// The bound is for plans that leave out as many people as this one does, so it
	// never exceeds the cost and the gap is never negative, split households or not.
	if res.Stats.Bound > res.Stats.Cost+1e-6 || res.Stats.Gap < 0 {
		t.Fatalf("bound %.2f above cost %.2f (gap %g, %d unplanned, %d by the relaxation)",
			res.Stats.Bound, res.Stats.Cost, res.Stats.Gap, res.Stats.Unplanned, res.Stats.UnplannedLP)
	}
	return cost
}

// smallInstance makes households around offices a few kilometres apart, with
// due weeks spread so that capacity forces some lateness or earliness.
func smallInstance(r *rand.Rand, households, nOffices, weeks, capacity int) ([]Person, []Office) {
	var offices []Office
	for o := 0; o < nOffices; o++ {
		offices = append(offices, Office{ID: fmt.Sprintf("O%d", o), Lat: 45.40 + 0.03*float64(o), Lon: 9.15 + 0.02*float64(o%2), Capacity: capacity})
	}
	var people []Person
	for h := 0; h < households; h++ {
		lat, lon := 45.38+0.12*r.Float64(), 9.12+0.10*r.Float64()
		due := testStart.AddDate(0, 0, 7*(r.IntN(weeks+2)-1))
		size := 1 + r.IntN(3)
		for i := 0; i < size; i++ {
			p := Person{CF: fmt.Sprintf("P%d-%d", h, i), Household: fmt.Sprintf("H%d", h), Lat: lat, Lon: lon, Due: due}
			if r.IntN(4) == 0 {
				p.Due = testStart.AddDate(0, 0, 7*r.IntN(weeks))
			}
			people = append(people, p)
		}
	}
	return people, offices
}

// bruteForce is the best unsplit plan, by trying every office and week for every
// household; ok is false when no plan fits everyone.
func bruteForce(people []Person, offices []Office, p Params) (float64, bool) {
	var ids []string
	members := map[string][]Person{}
	for _, pp := range people {
		if _, ok := members[pp.Household]; !ok {
			ids = append(ids, pp.Household)
		}
		members[pp.Household] = append(members[pp.Household], pp)
	}
	cells := len(offices) * p.Weeks
	load := make([]int, cells)
	best, found := math.Inf(1), false
	var rec func(i int, cost float64)
	rec = func(i int, cost float64) {
		if cost >= best {
			return
		}
		if i == len(ids) {
			best, found = cost, true
			return
		}
		ms := members[ids[i]]
		for c := 0; c < cells; c++ {
			o, week := c/p.Weeks, c%p.Weeks
			if load[c]+len(ms) > offices[o].CapacityAt(week) {
				continue
			}
			var hc float64
			for _, pp := range ms {
				hc += personCost(pp, offices[o], p.Start.AddDate(0, 0, 7*week), p.Start, p.Weights)
			}
			load[c] += len(ms)
			rec(i+1, cost+hc)
			load[c] -= len(ms)
		}
	}
	rec(0, 0)
	return best, found
}

func TestRunAgainstBruteForce(t *testing.T) {
	tests := []struct {
		name                       string
		instances                  int
		households, offices, weeks int
		capacity                   int
		k                          int
		weekly                     bool // capacities differ week by week
	}{
		{"one office", 60, 5, 1, 3, 4, 0, false},
		{"two offices tight", 60, 6, 2, 3, 3, 0, false},
		{"three offices k=1", 60, 6, 3, 2, 4, 1, false},
		{"ample capacity", 40, 7, 2, 2, 20, 0, false},
		{"weekly capacities", 60, 6, 2, 3, 4, 0, true},
		{"weekly capacities k=1", 60, 6, 3, 2, 4, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tt.households), uint64(tt.capacity)))
			compared, exact := 0, 0
			for i := 0; i < tt.instances; i++ {
				people, offices := smallInstance(r, tt.households, tt.offices, tt.weeks, tt.capacity)
				if tt.weekly {
					for o := range offices {
						offices[o].Weekly = make([]int, tt.weeks)
						for w := range offices[o].Weekly {
							offices[o].Weekly[w] = r.IntN(2 * tt.capacity)
						}
					}
				}
				p := Params{Start: testStart, Weeks: tt.weeks, Weights: DefaultWeights(), K: tt.k}
				res, err := Run(people, offices, p)
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
				cost := checkPlan(t, people, offices, p, res)
				opt, ok := bruteForce(people, offices, p)
				if !ok || len(res.Unplanned) > 0 {
					continue
				}
				compared++
				tol := 0.01 * float64(len(people))
				if res.Stats.Bound > opt+tol {
					t.Fatalf("instance %d: bound %.2f above the brute-force optimum %.2f", i, res.Stats.Bound, opt)
				}
				if cost < opt-tol {
					t.Fatalf("instance %d: plan %.2f beats the brute-force optimum %.2f", i, cost, opt)
				}
				if cost <= opt+tol {
					exact++
				}
			}
			if compared < tt.instances/3 {
				t.Fatalf("only %d of %d instances compared", compared, tt.instances)
			}
			t.Logf("%d compared, %d at the brute-force optimum", compared, exact)
		})
	}
}

// On a synthetic city the plan must be within 0.2% of its bound (issue 5). With
// 2,000 people an office-week holds only eight, so packing households of up to
// five costs more than that and only a looser gap holds.
func TestRunSyntheticGap(t *testing.T) {
	for _, tt := range []struct {
		people int
		gap    float64
	}{{2000, 0.03}, {20000, 0.002}, {40000, 0.002}} {
		t.Run(fmt.Sprint(tt.people), func(t *testing.T) {
			n := tt.people
			s := NewSynthetic(n, 7, false)
			res, err := Run(s.People, s.Offices, s.Params)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, s.People, s.Offices, s.Params, res)
			if res.Stats.Gap > tt.gap || res.Stats.Unplanned > 0 || !res.Stats.Proven {
				t.Fatalf("gap %.4f%%, %d unplanned, proven %v", 100*res.Stats.Gap, res.Stats.Unplanned, res.Stats.Proven)
			}
			// Past directLimit households some must be pinned, and the bound
			// must still be the full model's (Proven above).
			if res.Stats.Households > directLimit && res.Stats.Pinned == 0 {
				t.Fatalf("%d households and none pinned", res.Stats.Households)
			}
		})
	}
}

// Within every office and day, households with someone elderly or frail come
// before the others, and every household's members have consecutive slots.
func TestFillMorningFirstAndTogether(t *testing.T) {
	s := NewSynthetic(5000, 5, false)
	res, err := Run(s.People, s.Offices, s.Params)
	if err != nil {
		t.Fatal(err)
	}
	limit := s.Params.Start.AddDate(-75, 0, 0)
	prio := map[string]bool{}
	for _, p := range s.People {
		if p.Frail || !p.Birth.After(limit) {
			prio[p.Household] = true
		}
	}
	type day struct {
		o int
		d string
	}
	lastPrio := map[day]int{}
	firstOther := map[day]int{}
	span := map[string][2]int{} // household → first and last minute
	for _, a := range res.Assignments {
		k := day{a.Office, a.Date.Format("2006-01-02")}
		h := s.People[a.Person].Household
		if prio[h] {
			lastPrio[k] = max(lastPrio[k], a.Minute)
		} else if m, ok := firstOther[k]; !ok || a.Minute < m {
			firstOther[k] = a.Minute
		}
		if sp, ok := span[h]; ok {
			span[h] = [2]int{min(sp[0], a.Minute), max(sp[1], a.Minute)}
		} else {
			span[h] = [2]int{a.Minute, a.Minute}
		}
	}
	checked := 0
	for k, lp := range lastPrio {
		if fo, ok := firstOther[k]; ok {
			checked++
			if lp > fo {
				t.Fatalf("office %d on %s: a priority household at minute %d after another at %d", k.o, k.d, lp, fo)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no day with both kinds of household: the test checks nothing")
	}
	for h, sp := range span {
		if sp[1]-sp[0] > 60 {
			t.Fatalf("household %s spread over %d minutes", h, sp[1]-sp[0])
		}
	}
}

func TestRunContextCancelled(t *testing.T) {
	s := NewSynthetic(3000, 1, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunContext(ctx, s.People, s.Offices, s.Params); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// Two households of three and room for four: the relaxation plans four people, the
// plan can place only one household whole. The bound must be for a plan leaving
// three out, so it stays under the cost and the gap is not negative (it was).
func TestGapWhenRepairLeavesMoreOut(t *testing.T) {
	var people []Person
	for h := range 2 {
		for i := range 3 {
			people = append(people, Person{CF: fmt.Sprintf("P%d%d", h, i), Household: fmt.Sprintf("H%d", h),
				Lat: 45.46 + 0.01*float64(h), Lon: 9.19, Due: testStart})
		}
	}
	offices := []Office{{ID: "O", Lat: 45.47, Lon: 9.18, Capacity: 4}}
	p := Params{Start: testStart, Weeks: 1, Weights: DefaultWeights()}
	res, err := Run(people, offices, p)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, people, offices, p, res)
	st := res.Stats
	if st.Unplanned != 3 || st.UnplannedLP != 2 {
		t.Fatalf("unplanned %d (relaxation %d), want 3 (2)", st.Unplanned, st.UnplannedLP)
	}
	if st.Gap < 0 || st.Bound > st.Cost {
		t.Fatalf("cost %.2f bound %.2f gap %g", st.Cost, st.Bound, st.Gap)
	}
}
