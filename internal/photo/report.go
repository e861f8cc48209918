package photo

import (
	"fmt"
	"math"
)

// Status is the outcome of one check.
type Status string

// A check passes, fails, or is not assessed when its measurement is not reliable (or its
// input, such as a face, is missing): not assessed never blocks a verdict.
const (
	Pass        Status = "pass"
	Fail        Status = "fail"
	NotAssessed Status = "not_assessed"
)

// Result is one explained check: what was measured, against what, and what to do.
type Result struct {
	ID        string  `json:"id"`
	Status    Status  `json:"status"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit,omitempty"`
	Threshold string  `json:"threshold"`
	IT        string  `json:"instruction_it"`
	EN        string  `json:"instruction_en"`
	Note      string  `json:"note,omitempty"`
}

// Report is the verdict on one portrait.
type Report struct {
	Compliant bool     `json:"compliant"`
	Width     int      `json:"width"`
	Height    int      `json:"height"`
	Checks    []Result `json:"checks"`
	// Crop is the best CIE crop found in source pixels, nil when none fits.
	Crop *CropBox `json:"crop,omitempty"`
}

// CropBox is a crop rectangle in the upright source image's pixels.
type CropBox struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Check returns the result with the given ID, or false when the report has none.
func (r *Report) Check(id string) (Result, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Result{}, false
}

// Failed lists the IDs of the failed checks, in report order.
func (r *Report) Failed() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == Fail {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// bound is an accepted range for a measured value; NaN means open on that side.
type bound struct{ lo, hi float64 }

func atMost(hi float64) bound     { return bound{math.NaN(), hi} }
func atLeast(lo float64) bound    { return bound{lo, math.NaN()} }
func within(lo, hi float64) bound { return bound{lo, hi} }

func (b bound) ok(v float64) bool {
	if math.IsNaN(v) {
		return false
	}
	if !math.IsNaN(b.lo) && v < b.lo {
		return false
	}
	if !math.IsNaN(b.hi) && v > b.hi {
		return false
	}
	return true
}

func (b bound) String() string {
	switch {
	case math.IsNaN(b.lo):
		return fmt.Sprintf("≤ %g", b.hi)
	case math.IsNaN(b.hi):
		return fmt.Sprintf("≥ %g", b.lo)
	}
	return fmt.Sprintf("%g – %g", b.lo, b.hi)
}

// judge makes a result from a measurement: pass inside the bound, fail outside.
func judge(id string, v float64, b bound) Result {
	r := newResult(id)
	r.Value = round3(v)
	r.Threshold = b.String()
	if b.ok(v) {
		r.Status = Pass
	} else {
		r.Status = Fail
	}
	return r
}

// notAssessed reports a check that could not be measured reliably, with why.
func notAssessed(id, why string) Result {
	r := newResult(id)
	r.Status = NotAssessed
	r.Note = why
	return r
}

func newResult(id string) Result {
	d := catalogue[id]
	return Result{ID: id, Unit: d.unit, IT: d.it, EN: d.en}
}

func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}
