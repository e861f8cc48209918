package face

import (
	"errors"
	"image"
	"math"
)

// Face mesh geometry (MediaPipe face_landmark_cpu.pbtxt and
// face_detection_front_detection_to_roi.pbtxt).
const (
	meshSize   = 192
	meshPoints = 468
	roiScale   = 1.5
)

// ErrBadDetection is returned for a detection without area or with
// coordinates that are not finite.
var ErrBadDetection = errors.New("face: detection has no area")

// roi is the square, rotated crop the mesh model sees.
type roi struct {
	cx, cy, size, angle float64
}

// roiOf follows MediaPipe: centred on the box, turned so the eyes are level,
// the box's long side scaled by 1.5.
func roiOf(d Detection) roi {
	r, l := d.Keypoints[RightEye], d.Keypoints[LeftEye]
	return roi{
		cx:    (d.X0 + d.X1) / 2,
		cy:    (d.Y0 + d.Y1) / 2,
		size:  math.Max(d.X1-d.X0, d.Y1-d.Y0) * roiScale,
		angle: math.Atan2(l.Y-r.Y, l.X-r.X),
	}
}

// toImage maps crop coordinates of an n-pixel input to image pixels.
func (r roi) toImage(n int) affine {
	s := r.size / float64(n)
	c, sn := math.Cos(r.angle)*s, math.Sin(r.angle)*s
	h := float64(n) / 2
	return affine{
		a: c, b: -sn, c: r.cx - c*h + sn*h,
		d: sn, e: c, f: r.cy - sn*h - c*h,
	}
}

// Landmarks computes the 468-point mesh of the face found by d, from a
// 192×192 crop turned so that the eyes are level; the points are mapped back
// to the image, so roll is preserved in them.
func (e *Engine) Landmarks(img image.Image, d Detection) (Mesh, error) {
	return e.landmarks(img, d, false)
}

// RefinedLandmarks is Landmarks with the attention mesh model, which also
// gives irises and finer eyelids (Mesh.Refined). It costs about twice as much.
func (e *Engine) RefinedLandmarks(img image.Image, d Detection) (Mesh, error) {
	return e.landmarks(img, d, true)
}

func (e *Engine) landmarks(img image.Image, d Detection, refined bool) (Mesh, error) {
	if err := checkImage(img); err != nil {
		return Mesh{}, err
	}
	if !usable(d) {
		return Mesh{}, ErrBadDetection
	}
	p := pixelsOf(img)
	r := roiOf(d)
	r.cx -= float64(p.min.X)
	r.cy -= float64(p.min.Y)
	m := r.toImage(meshSize) // crop to pixels of p
	mo := m                  // crop to image coordinates
	mo.c += float64(p.min.X)
	mo.f += float64(p.min.Y)
	// Bilinear sampling aliases beyond about 3× reduction; supersample then.
	ss := 1
	if r.size/meshSize > 3 {
		ss = 2
	}
	model := e.mesh
	if refined {
		model = e.attention
	}
	s := model.NewSession()
	defer s.Release()
	warp(s.Input(0), meshSize, &p, m, ss, 0, 1)
	s.Invoke()
	var out Mesh
	raw := s.Output(0)
	zs := r.size / meshSize
	for i := range meshPoints {
		x, y := mo.apply(float64(raw[3*i]), float64(raw[3*i+1]))
		out.Points[i] = Point3{x, y, float64(raw[3*i+2]) * zs}
	}
	flag := s.Output(1)
	if refined {
		flag = s.Output(6)
		out.Refined = refinedOf(s, mo)
	}
	out.Score = 1 / (1 + math.Exp(-float64(flag[0])))
	return out, nil
}

func usable(d Detection) bool {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, p := range d.Keypoints[:2] {
		if !finite(p.X) || !finite(p.Y) {
			return false
		}
	}
	return finite(d.X0) && finite(d.Y0) && finite(d.X1) && finite(d.Y1) && d.X1 > d.X0 && d.Y1 > d.Y0
}
