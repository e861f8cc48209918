package plan

import (
	"context"
	"testing"
	"time"
)

// Between directLimit (15,000) and twice sampleMin (then 20,000) households the price sample
// once sampled every household and recursed on the same instance until memory ran out.
// A re-plan of what is left of Milan's campaign falls right there.
func TestPlanJustAboveDirectLimit(t *testing.T) {
	for _, people := range []int{30000, 36000} {
		s := NewSynthetic(people, 7, false)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		res, err := RunContext(ctx, s.People, s.Offices, s.Params)
		cancel()
		if err != nil {
			t.Fatalf("%d people: %v", people, err)
		}
		if len(res.Assignments)+len(res.Unplanned) != len(s.People) {
			t.Fatalf("%d people: %d planned + %d unplanned", people, len(res.Assignments), len(res.Unplanned))
		}
		t.Logf("%d people: gap %.4f%%", people, 100*res.Stats.Gap)
	}
}
