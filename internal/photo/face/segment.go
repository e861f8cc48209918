package face

import (
	"image"
	"math"
)

// segSize is the selfie segmentation input and mask size.
const segSize = 256

// Segment returns the probability, 0..255, that each pixel belongs to a
// person, with the bounds of img. The model sees the whole image stretched
// to 256×256; its mask is stretched back with bilinear interpolation.
func (e *Engine) Segment(img image.Image) (*image.Gray, error) {
	if err := checkImage(img); err != nil {
		return nil, err
	}
	p := pixelsOf(img)
	s := e.segmenter.NewSession()
	defer s.Release()
	e.resize(s.Input(0), segSize, segSize, &p, 0, 0, float64(p.w)/segSize, float64(p.h)/segSize, 0, 1)
	s.Invoke()
	out := image.NewGray(img.Bounds())
	upsample(out, s.Output(0), segSize, segSize)
	return out, nil
}

// upsample stretches a w×h probability map onto dst with bilinear
// interpolation at pixel centres, scaling 0..1 to 0..255.
func upsample(dst *image.Gray, m []float32, w, h int) {
	b := dst.Bounds()
	dw, dh := b.Dx(), b.Dy()
	// Each output column blends source columns i and i+1; the row buffer has
	// one extra element repeating the last, so i+1 is always valid.
	idx := make([]int32, dw)
	fxs := make([]float32, dw)
	for x := range dw {
		fx := (float64(x)+0.5)*float64(w)/float64(dw) - 0.5
		f := math.Floor(fx)
		switch {
		case f < 0:
			idx[x], fxs[x] = 0, 0
		case int(f) >= w-1:
			idx[x], fxs[x] = int32(w-1), 0
		default:
			idx[x], fxs[x] = int32(f), float32(fx-f)
		}
	}
	row := make([]float32, w+1)
	for y := range dh {
		fy := (float64(y)+0.5)*float64(h)/float64(dh) - 0.5
		f := math.Floor(fy)
		y0, y1 := min(max(int(f), 0), h-1), min(max(int(f)+1, 0), h-1)
		dy := float32(fy - f)
		r0, r1 := m[y0*w:(y0+1)*w], m[y1*w:(y1+1)*w]
		r1 = r1[:len(r0)]
		for x, a := range r0 {
			row[x] = (a+dy*(r1[x]-a))*255 + 0.5
		}
		row[w] = row[w-1]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw]
		idx, fxs := idx[:len(out)], fxs[:len(out)]
		for x := range out {
			i := idx[x]
			a := row[i]
			v := a + fxs[x]*(row[i+1]-a)
			// The model's sigmoid keeps v in range; the clamp guards NaN.
			if !(v >= 0) {
				v = 0
			} else if v > 255 {
				v = 255
			}
			out[x] = uint8(v)
		}
	}
}
