package photo

import "image"

// Point is a position in pixels of the image given to the face model.
type Point struct{ X, Y float64 }

// Point3 is a mesh point: X and Y in pixels, Z a depth on roughly the same scale.
type Point3 struct{ X, Y, Z float64 }

// Detection is one face box with its six key points (right eye, left eye, nose tip,
// mouth, right ear, left ear; the subject's right is the image's left).
type Detection struct {
	X0, Y0, X1, Y1 float64
	Score          float64
	Keypoints      [6]Point
}

// Mesh is the 468-point face mesh in MediaPipe's canonical order.
type Mesh struct {
	Points  [468]Point3
	Score   float64
	Refined *Refined
}

// Refined holds the attention model's irises, eyelids and lips, when that model ran.
type Refined struct {
	LeftIris, RightIris     [5]Point
	LeftEyelid, RightEyelid []Point
	Lips                    []Point // 80 points in face.Refined.Lips's order
}

// FaceModel is what the checks need from the face models. The production one wraps
// internal/photo/face; tests pass a fake so the checks can be exercised without weights.
type FaceModel interface {
	Detect(img image.Image) ([]Detection, error)
	Landmarks(img image.Image, d Detection) (Mesh, error)
	Segment(img image.Image) (*image.Gray, error)
}

// plainMesher is implemented by face models that also have a cheaper mesh without the
// refined eyelids, used in live mode.
type plainMesher interface {
	PlainLandmarks(img image.Image, d Detection) (Mesh, error)
}
