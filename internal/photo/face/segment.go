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
	x0s, x1s := make([]int, dw), make([]int, dw)
	fxs := make([]float32, dw)
	for x := range dw {
		fx := (float64(x)+0.5)*float64(w)/float64(dw) - 0.5
		f := math.Floor(fx)
		x0s[x] = min(max(int(f), 0), w-1)
		x1s[x] = min(max(int(f)+1, 0), w-1)
		fxs[x] = float32(fx - f)
	}
	row := make([]float32, w)
	for y := range dh {
		fy := (float64(y)+0.5)*float64(h)/float64(dh) - 0.5
		f := math.Floor(fy)
		y0, y1 := min(max(int(f), 0), h-1), min(max(int(f)+1, 0), h-1)
		dy := float32(fy - f)
		r0, r1 := m[y0*w:(y0+1)*w], m[y1*w:(y1+1)*w]
		for x := range row {
			row[x] = r0[x] + dy*(r1[x]-r0[x])
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw]
		x0s, x1s, fxs := x0s[:len(out)], x1s[:len(out)], fxs[:len(out)]
		for x := range out {
			a, c := row[x0s[x]], row[x1s[x]]
			v := (a+fxs[x]*(c-a))*255 + 0.5
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
