package photo

import (
	"context"
	"image"
	"math"
)

// Tracker guides one person in front of a camera preview, frame after frame. Like
// MediaPipe's face mesh pipeline it takes each frame's face box from the previous frame's
// mesh and runs the detector again only every RedetectEvery frames or when the face is
// lost, which is what makes live guidance affordable on one core. Other faces are therefore
// noticed with up to RedetectEvery frames of delay. A Tracker is for one camera: it is not
// safe for concurrent use, unlike the Engine it comes from.
type Tracker struct {
	e *Engine
	// RedetectEvery is how often the detector runs even while the face is tracked.
	RedetectEvery int
	last          *Detection
	others        []Detection // the other faces of the last detection
	since         int
}

// NewTracker returns a Tracker running this Engine's models in live mode.
func (e *Engine) NewTracker() *Tracker {
	live := *e
	live.opt.Live = true
	return &Tracker{e: &live, RedetectEvery: 10}
}

// Frame checks one preview frame. Background checks and eyes_open are not assessed in
// live mode; the verdict on the shot that is kept must come from Engine.Check.
func (t *Tracker) Frame(ctx context.Context, img image.Image, tm *Timings) (*Report, error) {
	b := img.Bounds()
	src := &source{format: "frame", w: b.Dx(), h: b.Dy(), orient: 1, full: img}
	var given []Detection
	if t.last != nil && t.since < t.RedetectEvery {
		given = append([]Detection{*t.last}, t.others...)
		t.since++
	} else {
		t.since = 0
	}
	a, err := t.e.analyseWith(ctx, src, tm, given, nil)
	if err != nil {
		return nil, err
	}
	t.last, t.others = nil, nil
	if a.mesh != nil && a.mesh.Score >= minFaceScore {
		d := detectionFromMesh(a.mesh)
		t.last = &d
		for i, o := range a.dets {
			if i != a.main && given == nil {
				t.others = append(t.others, o)
			}
		}
	}
	return a.report(), nil
}

// detectionFromMesh is the box and key points that a detector would give for this face,
// so that the next frame's mesh can be placed without running the detector.
func detectionFromMesh(m *Mesh) Detection {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range m.Points {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	pt := func(i int) Point { return Point{m.Points[i].X, m.Points[i].Y} }
	ring := func(idx []int) Point {
		var c Point
		for _, i := range idx {
			c.X += m.Points[i].X
			c.Y += m.Points[i].Y
		}
		return Point{c.X / float64(len(idx)), c.Y / float64(len(idx))}
	}
	return Detection{
		X0: x0, Y0: y0, X1: x1, Y1: y1, Score: m.Score,
		Keypoints: [6]Point{ring(rightEyeRing), ring(leftEyeRing), pt(meshNoseTip),
			mid(pt(meshLipUpper), pt(meshLipLower)), pt(meshEdgeR), pt(meshEdgeL)},
	}
}
