package face

import "math"

// Point is a position in pixels of the image given to the Engine.
type Point struct{ X, Y float64 }

// Point3 is a mesh point: X and Y in pixels of the image, Z the relative
// depth in the same pixel scale (smaller is nearer the camera).
type Point3 struct{ X, Y, Z float64 }

// XY drops the depth.
func (p Point3) XY() Point { return Point{p.X, p.Y} }

// Detection is one face found by BlazeFace.
type Detection struct {
	X0, Y0, X1, Y1 float64 // box in pixels
	Score          float64
	// Keypoints in BlazeFace order: right eye, left eye, nose tip, mouth
	// centre, right ear tragion, left ear tragion. Right means the subject's
	// right, which is on the image's left.
	Keypoints [6]Point
}

// Indices of Detection.Keypoints.
const (
	RightEye = iota
	LeftEye
	NoseTip
	MouthCentre
	RightEar
	LeftEar
)

// Mesh is MediaPipe's 468-point face mesh, in its canonical indices.
type Mesh struct {
	Points  [468]Point3
	Score   float64  // face presence confidence 0..1
	Refined *Refined // nil unless the attention model ran
}

// Refined holds the points that only the attention mesh model gives.
type Refined struct {
	LeftIris, RightIris     [5]Point // centre, then 4 points on the edge
	LeftEyelid, RightEyelid []Point  // eye contour points of the attention model
	// Lips are the attention model's 80 lip points in MediaPipe's refinement
	// order, as mesh indices: outer lower 61…291 (11), outer upper 185…409
	// (9), inner lower 78…308 (11), inner upper 191…415 (9), then the same
	// four rows for the semi-outer and semi-inner contours.
	Lips []Point
}

// Mesh indices of the eye corners, used for roll and by callers for eye
// positions. Right is the subject's right (image left).
const (
	RightEyeOuter = 33
	RightEyeInner = 133
	LeftEyeInner  = 362
	LeftEyeOuter  = 263
)

// Roll is the head's in-plane rotation in degrees, from the line through the
// outer eye corners: positive when the subject's left eye (image right) is
// lower than the right eye, i.e. clockwise on screen.
func (m *Mesh) Roll() float64 {
	r, l := m.Points[RightEyeOuter], m.Points[LeftEyeOuter]
	return math.Atan2(l.Y-r.Y, l.X-r.X) * 180 / math.Pi
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }
