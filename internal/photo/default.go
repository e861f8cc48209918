package photo

import (
	"image"

	"github.com/sportello/sportello/internal/photo/face"
)

// OpenDefault returns an Engine over the project's own face models (internal/photo/face).
func OpenDefault(opt Options) (*Engine, error) {
	fe, err := face.New()
	if err != nil {
		return nil, err
	}
	return New(faceModel{fe}, opt), nil
}

// faceModel adapts *face.Engine to FaceModel; the copy keeps package photo's types free
// of the model package, so checks can be tested with a fake.
type faceModel struct{ e *face.Engine }

func (m faceModel) Detect(img image.Image) ([]Detection, error) {
	ds, err := m.e.Detect(img)
	if err != nil {
		return nil, err
	}
	out := make([]Detection, len(ds))
	for i, d := range ds {
		out[i] = Detection{X0: d.X0, Y0: d.Y0, X1: d.X1, Y1: d.Y1, Score: d.Score}
		for k, p := range d.Keypoints {
			out[i].Keypoints[k] = Point(p)
		}
	}
	return out, nil
}

// Landmarks runs the attention model: it costs about twice the plain mesh, but its
// eyelids close with the eyes, which the plain mesh's do not (FACE-STACK.md).
func (m faceModel) Landmarks(img image.Image, d Detection) (Mesh, error) {
	return m.landmarks(img, d, m.e.RefinedLandmarks)
}

// PlainLandmarks runs the plain mesh, for live mode.
func (m faceModel) PlainLandmarks(img image.Image, d Detection) (Mesh, error) {
	return m.landmarks(img, d, m.e.Landmarks)
}

func (m faceModel) landmarks(img image.Image, d Detection, run func(image.Image, face.Detection) (face.Mesh, error)) (Mesh, error) {
	fd := face.Detection{X0: d.X0, Y0: d.Y0, X1: d.X1, Y1: d.Y1, Score: d.Score}
	for k, p := range d.Keypoints {
		fd.Keypoints[k] = face.Point(p)
	}
	fm, err := run(img, fd)
	if err != nil {
		return Mesh{}, err
	}
	out := Mesh{Score: fm.Score}
	for i, p := range fm.Points {
		out.Points[i] = Point3(p)
	}
	if r := fm.Refined; r != nil {
		out.Refined = &Refined{}
		for k := range r.LeftIris {
			out.Refined.LeftIris[k] = Point(r.LeftIris[k])
			out.Refined.RightIris[k] = Point(r.RightIris[k])
		}
		for _, p := range r.LeftEyelid {
			out.Refined.LeftEyelid = append(out.Refined.LeftEyelid, Point(p))
		}
		for _, p := range r.RightEyelid {
			out.Refined.RightEyelid = append(out.Refined.RightEyelid, Point(p))
		}
		for _, p := range r.Lips {
			out.Refined.Lips = append(out.Refined.Lips, Point(p))
		}
	}
	return out, nil
}

func (m faceModel) Segment(img image.Image) (*image.Gray, error) { return m.e.Segment(img) }
