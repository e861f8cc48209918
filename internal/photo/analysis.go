package photo

import (
	"image"
	"math"
)

// Thresholds. Those marked "tuned" were set on the tuning half of the portraits (odd
// person numbers, see eval_test.go) and are reported on all of them.
const (
	minFaceScore       = 0.5
	otherFaceScore     = 0.6  // a second face must be at least this confident …
	otherFaceMinSize   = 0.15 // … and at least this fraction of the main face's width
	defaultPitchOffset = -3.0 // tuned: median mesh pitch of the compliant tuning half
	yawTol             = 7.0  // tuned: ±5° plus the estimator's spread on compliant faces
	pitchTol           = 11.0 // tuned: ±5° plus the estimator's spread on compliant faces
	maxUpscale         = 1.15 // the crop may enlarge the source by at most this factor
)

// analysis carries one portrait through the checks.
type analysis struct {
	src         *source
	img         *image.RGBA // ~1 MP copy the models saw
	sx, sy      float64     // source pixels per analysis pixel
	pitchOffset float64
	live        bool // Options.Live: plain mesh, no person mask

	dets []Detection
	main int // index into dets, -1 when no face
	mesh *Mesh
	mask *image.Gray

	results []Result
	crop    *CropBox
	plan    *cropPlan
}

func (a *analysis) p(i int) Point { return Point{a.mesh.Points[i].X, a.mesh.Points[i].Y} }

func dist(p, q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

func mid(p, q Point) Point { return Point{(p.X + q.X) / 2, (p.Y + q.Y) / 2} }

// MediaPipe mesh indices. "Right" is the subject's right, on the image's left.
var (
	rightEyeRing = []int{33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7}
	leftEyeRing  = []int{263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249}
)

const (
	meshTop       = 10
	meshChin      = 152
	meshNoseTip   = 1
	meshLipUpper  = 13
	meshLipLower  = 14
	meshMouthR    = 61
	meshMouthL    = 291
	meshCheekR    = 50
	meshCheekL    = 280
	meshCheekRUp  = 101
	meshCheekLUp  = 330
	meshForehead  = 151
	meshForeheadR = 108
	meshForeheadL = 337
	meshEdgeR     = 234
	meshEdgeL     = 454
	meshEyeROut   = 33
	meshEyeRIn    = 133
	meshEyeLOut   = 263
	meshEyeLIn    = 362
)

func (a *analysis) ring(idx []int) []Point {
	ps := make([]Point, len(idx))
	for i, k := range idx {
		ps[i] = a.p(k)
	}
	return ps
}

func centroid(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X
		c.Y += p.Y
	}
	c.X /= float64(len(ps))
	c.Y /= float64(len(ps))
	return c
}

// eyes returns the centres of the subject's right and left eye (image left, right), as
// the centroids of the mesh's eye outlines: the checks were calibrated on those.
func (a *analysis) eyes() (Point, Point) {
	return centroid(a.ring(rightEyeRing)), centroid(a.ring(leftEyeRing))
}

// iod is the distance between the eye centres in analysis pixels.
func (a *analysis) iod() float64 {
	r, l := a.eyes()
	return dist(r, l)
}

// measure runs every check in catalogue order.
func (a *analysis) measure() {
	a.results = a.results[:0]
	add := func(r Result) { a.results = append(a.results, r) }
	n := 0
	for _, d := range a.dets {
		if d.Score >= minFaceScore {
			n++
		}
	}
	found := judge("face_found", float64(n), atLeast(1))
	add(found)
	if a.main < 0 || a.mesh == nil {
		for _, id := range CheckIDs[1:] {
			add(notAssessed(id, "no face found"))
		}
		return
	}
	add(a.checkOneFace())
	add(a.checkEyes())
	yaw, pitch, roll := a.pose()
	yr := judge("pose_yaw", yaw, within(-yawTol, yawTol))
	yr.Note = "target ±5°; judged at ±" + fmtF(yawTol, 0) + "° because the mesh yaw spreads ±5.5° on frontal faces"
	add(yr)
	pr := judge("pose_pitch", pitch, within(-pitchTol, pitchTol))
	pr.Note = "target ±5°; judged at ±" + fmtF(pitchTol, 0) + "° because the mesh pitch spreads that much on frontal faces"
	add(pr)
	add(judge("pose_roll", roll, within(-8, 8)))
	geo, res := a.checkGeometry()
	add(geo)
	add(res)
	add(a.checkSharpness())
	exp, dr := a.checkExposure()
	add(exp)
	add(dr)
	add(a.checkSkin())
	add(a.checkFaceShadows())
	bg, bgs := a.checkBackground()
	add(bg)
	add(bgs)
	add(a.checkEyesOpen())
	mc, ex := a.checkMouth()
	add(mc)
	add(ex)
	add(a.checkTinted())
	add(a.checkGlare())
	add(a.checkRedEyes())
	add(a.checkHeadCovering())
	add(a.checkPixelation())
}

func (a *analysis) report() *Report {
	rep := &Report{Compliant: true, Width: a.src.w, Height: a.src.h, Checks: a.results, Crop: a.crop}
	for _, c := range a.results {
		if c.Status == Fail {
			rep.Compliant = false
		}
	}
	return rep
}

func (a *analysis) checkOneFace() Result {
	m := a.dets[a.main]
	mw := m.X1 - m.X0
	others := 0
	for i, d := range a.dets {
		if i == a.main || d.Score < otherFaceScore || d.X1-d.X0 < otherFaceMinSize*mw {
			continue
		}
		if iou(d, m) > 0.3 {
			continue // the same face found twice
		}
		others++
	}
	return judge("one_face", float64(1+others), atMost(1))
}

func iou(p, q Detection) float64 {
	ix := max(0, min(p.X1, q.X1)-max(p.X0, q.X0))
	iy := max(0, min(p.Y1, q.Y1)-max(p.Y0, q.Y0))
	in := ix * iy
	u := (p.X1-p.X0)*(p.Y1-p.Y0) + (q.X1-q.X0)*(q.Y1-q.Y0) - in
	if u <= 0 {
		return 0
	}
	return in / u
}

// checkEyes measures the eye distance in source pixels; ISO/IEC 19794-5 asks ≥ 90 for a
// full frontal image, and both eyes must lie inside the picture.
func (a *analysis) checkEyes() Result {
	r, l := a.eyes()
	b := a.img.Bounds()
	in := func(p Point) bool {
		return p.X >= 0 && p.Y >= 0 && p.X < float64(b.Dx()) && p.Y < float64(b.Dy())
	}
	res := judge("eyes", dist(r, l)*a.sx, atLeast(90))
	if !in(r) || !in(l) {
		res.Status = Fail
		res.Note = "an eye lies outside the picture"
	}
	return res
}

// pose returns yaw, pitch and roll in degrees. Roll comes from the eye line; yaw and pitch
// from the mesh's depth, whose pitch carries a constant offset calibrated away.
func (a *analysis) pose() (yaw, pitch, roll float64) {
	r, l := a.eyes()
	roll = deg(math.Atan2(l.Y-r.Y, l.X-r.X))
	P := func(i int) Point3 { return a.mesh.Points[i] }
	sub := func(p, q Point3) Point3 { return Point3{p.X - q.X, p.Y - q.Y, p.Z - q.Z} }
	x1 := sub(P(meshEdgeL), P(meshEdgeR))
	x2 := sub(P(meshEyeLOut), P(meshEyeROut))
	yaw = (deg(math.Atan2(x1.Z, math.Hypot(x1.X, x1.Y))) + deg(math.Atan2(x2.Z, math.Hypot(x2.X, x2.Y)))) / 2
	y := sub(P(meshChin), P(meshTop))
	pitch = deg(math.Atan2(-y.Z, math.Hypot(y.X, y.Y))) - a.pitchOffset
	return yaw, pitch, roll
}

func deg(rad float64) float64 { return rad * 180 / math.Pi }
