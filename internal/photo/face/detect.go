package face

import (
	"image"
	"math"
	"sort"
)

// BlazeFace short-range geometry (MediaPipe face_detection_short_range.pbtxt).
const (
	detSize       = 128
	detAnchors    = 896
	detValues     = 16 // box (cx, cy, w, h) + 6 keypoints (x, y)
	nmsIoU        = 0.3
	detScoreClamp = 100
)

type anchor struct{ cx, cy float64 }

// blazeFaceAnchors generates MediaPipe's SSD anchors for the short-range
// model: strides 8, 16, 16, 16, two anchors per layer and cell, fixed size,
// where layers of equal stride share their grid (16×16×2 + 8×8×6 = 896).
func blazeFaceAnchors() []anchor {
	var out []anchor
	for _, l := range []struct{ stride, perCell int }{{8, 2}, {16, 6}} {
		n := detSize / l.stride
		for y := range n {
			for x := range n {
				for range l.perCell {
					out = append(out, anchor{(float64(x) + 0.5) / float64(n), (float64(y) + 0.5) / float64(n)})
				}
			}
		}
	}
	return out
}

// Detect finds every face scoring at least e.MinScore, merged by weighted
// non-maximum suppression as MediaPipe does, best first. The image is
// letterboxed into the model's square input, so faces keep their shape.
func (e *Engine) Detect(img image.Image) ([]Detection, error) {
	if err := checkImage(img); err != nil {
		return nil, err
	}
	p := pixelsOf(img)
	side := float64(max(p.w, p.h))
	ox, oy := (float64(p.w)-side)/2, (float64(p.h)-side)/2
	// Points are reported in the image's own coordinates.
	bx, by := ox+float64(p.min.X), oy+float64(p.min.Y)
	s := e.detector.NewSession()
	defer s.Release()
	e.resize(s.Input(0), detSize, detSize, &p, ox, oy, side/detSize, side/detSize, -1, 1)
	s.Invoke()
	boxes, scores := s.Output(0), s.Output(1)
	var cands []Detection
	for i := range detAnchors {
		sc := 1 / (1 + math.Exp(-math.Max(-detScoreClamp, math.Min(detScoreClamp, float64(scores[i])))))
		if sc < e.MinScore {
			continue
		}
		r := boxes[i*detValues : (i+1)*detValues]
		a := e.anchors[i]
		// Coordinates come normalised to the letterboxed square; map them
		// back to image pixels.
		px := func(v float32, c float64) float64 { return (float64(v)/detSize + c) }
		cx, cy := px(r[0], a.cx), px(r[1], a.cy)
		w, h := float64(r[2])/detSize, float64(r[3])/detSize
		d := Detection{
			X0: (cx-w/2)*side + bx, Y0: (cy-h/2)*side + by,
			X1: (cx+w/2)*side + bx, Y1: (cy+h/2)*side + by,
			Score: sc,
		}
		for k := range 6 {
			d.Keypoints[k] = Point{px(r[4+2*k], a.cx)*side + bx, px(r[5+2*k], a.cy)*side + by}
		}
		cands = append(cands, d)
	}
	return weightedNMS(cands), nil
}

// weightedNMS merges overlapping candidates into their score-weighted mean,
// keeping the best score, the way MediaPipe's NonMaxSuppressionCalculator
// does in WEIGHTED mode; it steadies boxes and key points.
func weightedNMS(c []Detection) []Detection {
	sort.SliceStable(c, func(i, j int) bool { return c[i].Score > c[j].Score })
	used := make([]bool, len(c))
	var out []Detection
	for i := range c {
		if used[i] {
			continue
		}
		var sum float64
		var acc Detection
		for j := i; j < len(c); j++ {
			if used[j] || iou(&c[i], &c[j]) < nmsIoU {
				continue
			}
			used[j] = true
			w := c[j].Score
			sum += w
			acc.X0 += w * c[j].X0
			acc.Y0 += w * c[j].Y0
			acc.X1 += w * c[j].X1
			acc.Y1 += w * c[j].Y1
			for k := range acc.Keypoints {
				acc.Keypoints[k].X += w * c[j].Keypoints[k].X
				acc.Keypoints[k].Y += w * c[j].Keypoints[k].Y
			}
		}
		acc.X0, acc.Y0, acc.X1, acc.Y1 = acc.X0/sum, acc.Y0/sum, acc.X1/sum, acc.Y1/sum
		for k := range acc.Keypoints {
			acc.Keypoints[k].X /= sum
			acc.Keypoints[k].Y /= sum
		}
		acc.Score = c[i].Score
		out = append(out, acc)
	}
	return out
}

func iou(a, b *Detection) float64 {
	ix := math.Min(a.X1, b.X1) - math.Max(a.X0, b.X0)
	iy := math.Min(a.Y1, b.Y1) - math.Max(a.Y0, b.Y0)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := ix * iy
	union := (a.X1-a.X0)*(a.Y1-a.Y0) + (b.X1-b.X0)*(b.Y1-b.Y0) - inter
	return inter / union
}
