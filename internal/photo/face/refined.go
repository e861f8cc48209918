package face

import "github.com/sportello/sportello/internal/photo/tflite"

// Outputs of face_landmark_with_attention after the mesh: lips (80 points),
// then MediaPipe's "left" and "right" eye regions (71 points each) and irises
// (5 points each). MediaPipe names them by image side: its left eye is the
// subject's right.
const (
	attnLips           = 1
	lipPoints          = 80
	attnImageLeftEye   = 2
	attnImageRightEye  = 3
	attnImageLeftIris  = 4
	attnImageRightIris = 5
	eyelidPoints       = 16 // the first 16 of the 71 eye-region points
)

func points(raw []float32, n int, m affine) []Point {
	out := make([]Point, n)
	for i := range out {
		x, y := m.apply(float64(raw[2*i]), float64(raw[2*i+1]))
		out[i] = Point{x, y}
	}
	return out
}

func refinedOf(s *tflite.Session, m affine) *Refined {
	r := &Refined{
		RightEyelid: points(s.Output(attnImageLeftEye), eyelidPoints, m),
		LeftEyelid:  points(s.Output(attnImageRightEye), eyelidPoints, m),
		Lips:        points(s.Output(attnLips), lipPoints, m),
	}
	copy(r.RightIris[:], points(s.Output(attnImageLeftIris), 5, m))
	copy(r.LeftIris[:], points(s.Output(attnImageRightIris), 5, m))
	return r
}

// EyeOpenness is, for each eye, the largest gap between the upper and lower
// eyelid divided by the eye's width (corner to corner). Open eyes measure
// about 0.25–0.4, closed ones near 0.
//
// Eyelid points follow MediaPipe's order: 0–8 the lower lid from the outer to
// the inner corner, 9–15 the upper lid above points 1–7.
func (r *Refined) EyeOpenness() (right, left float64) {
	return openness(r.RightEyelid), openness(r.LeftEyelid)
}

func openness(lid []Point) float64 {
	if len(lid) < eyelidPoints {
		return 0
	}
	width := dist(lid[0], lid[8])
	if width == 0 {
		return 0
	}
	var gap float64
	for k := range 7 {
		gap = max(gap, dist(lid[1+k], lid[9+k]))
	}
	return gap / width
}
