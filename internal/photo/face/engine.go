package face

import (
	_ "embed"
	"errors"
	"fmt"
	"image"
	"sync"

	"github.com/sportello/sportello/internal/photo/tflite"
)

//go:embed models/face_detection_short_range.tflite
var detectorModel []byte

//go:embed models/face_landmark.tflite
var meshModel []byte

//go:embed models/face_landmark_with_attention.tflite
var attentionModel []byte

//go:embed models/selfie_segmentation.tflite
var segmenterModel []byte

// ErrEmptyImage is returned for an image without pixels.
var ErrEmptyImage = errors.New("face: empty image")

// Engine runs the face models. It is safe for concurrent use by many
// goroutines: the models are immutable and every call takes its working
// memory from pools.
type Engine struct {
	detector  *tflite.Model
	mesh      *tflite.Model
	attention *tflite.Model
	segmenter *tflite.Model
	anchors   []anchor
	rows      sync.Pool // *[]float32 row buffers of resize
	// MinScore is the detection score below which a face is ignored
	// (MediaPipe's 0.5 by default). Set it before sharing the Engine.
	MinScore float64
}

// New loads the embedded models.
func New() (*Engine, error) {
	e := &Engine{MinScore: 0.5, anchors: blazeFaceAnchors()}
	e.rows.New = func() any { return new([]float32) }
	var err error
	for _, m := range []struct {
		dst  **tflite.Model
		data []byte
		name string
		in   []int
		outs []int // element counts of the outputs the code reads
	}{
		{&e.detector, detectorModel, "face detector", []int{1, detSize, detSize, 3}, []int{detAnchors * detValues, detAnchors}},
		{&e.mesh, meshModel, "face mesh", []int{1, meshSize, meshSize, 3}, []int{3 * meshPoints, 1}},
		{&e.attention, attentionModel, "attention face mesh", []int{1, meshSize, meshSize, 3}, []int{3 * meshPoints, 160, 2 * 71, 2 * 71, 10, 10, 1}},
		{&e.segmenter, segmenterModel, "segmenter", []int{1, segSize, segSize, 3}, []int{segSize * segSize}},
	} {
		if *m.dst, err = tflite.Load(m.data); err != nil {
			return nil, fmt.Errorf("face: loading the %s: %w", m.name, err)
		}
		if got := (*m.dst).InputShape(0); fmt.Sprint(got) != fmt.Sprint(m.in) {
			return nil, fmt.Errorf("face: the %s takes %v, want %v", m.name, got, m.in)
		}
		if (*m.dst).NumOutputs() != len(m.outs) {
			return nil, fmt.Errorf("face: the %s has %d outputs, want %d", m.name, (*m.dst).NumOutputs(), len(m.outs))
		}
		for i, n := range m.outs {
			if got := count((*m.dst).OutputShape(i)); got != n {
				return nil, fmt.Errorf("face: output %d of the %s has %d values, want %d", i, m.name, got, n)
			}
		}
	}
	return e, nil
}

// resize runs the package resize with a pooled row buffer.
func (e *Engine) resize(dst []float32, dw, dh int, p *pixels, ox, oy, sx, sy float64, lo, hi float32) {
	buf := e.rows.Get().(*[]float32)
	resize(dst, dw, dh, p, ox, oy, sx, sy, lo, hi, buf)
	e.rows.Put(buf)
}

func count(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func checkImage(img image.Image) error {
	if img == nil || img.Bounds().Empty() {
		return ErrEmptyImage
	}
	return nil
}
