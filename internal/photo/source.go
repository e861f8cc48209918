package photo

import (
	"cmp"
	"image"
	"math"
	"runtime"
	"sync"

	"github.com/sportello/sportello/internal/photo/jpegscale"
)

// source is a decoded input. A JPEG keeps its DCT coefficients, so the analysis copy is
// rendered small and only the parts that need full resolution (the crop, the face for
// sharpness and blocking) are rendered large; a PNG is simply held whole.
type source struct {
	format string
	w, h   int // upright size
	orient int // EXIF orientation of the raw pixels

	full  image.Image // upright pixels (PNG), or nil
	coeff *jpegscale.Coefficients
	// preview is the raw image at 1/previewDenom, rendered during the decode.
	preview      image.Image
	previewDenom int
}

// bounds is the upright picture as a rect.
func (s *source) bounds() rect { return rect{0, 0, float64(s.w), float64(s.h)} }

// rawSize is the size of the stored (not yet upright) pixels.
func (s *source) rawSize() (int, int) {
	if s.orient >= 5 {
		return s.h, s.w
	}
	return s.w, s.h
}

// toRaw maps an upright point to the stored pixels' coordinates, W×H being their size.
func toRaw(u, v float64, o int, W, H float64) (float64, float64) {
	switch o {
	case 2:
		return W - u, v
	case 3:
		return W - u, H - v
	case 4:
		return u, H - v
	case 5:
		return v, u
	case 6:
		return v, H - u
	case 7:
		return W - v, H - u
	case 8:
		return W - v, u
	}
	return u, v
}

// toUpright maps a stored-pixel point to upright coordinates (the inverse of toRaw).
func toUpright(x, y float64, o int, W, H float64) (float64, float64) {
	switch o {
	case 2:
		return W - x, y
	case 3:
		return W - x, H - y
	case 4:
		return x, H - y
	case 5:
		return y, x
	case 6:
		return H - y, x
	case 7:
		return H - y, W - x
	case 8:
		return y, W - x
	}
	return x, y
}

// mapRect is the bounding box of r's corners under f.
func mapRect(r rect, f func(x, y float64) (float64, float64)) rect {
	out := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range [][2]float64{{r.X0, r.Y0}, {r.X1, r.Y0}, {r.X0, r.Y1}, {r.X1, r.Y1}} {
		x, y := f(p[0], p[1])
		out.X0, out.Y0 = min(out.X0, x), min(out.Y0, y)
		out.X1, out.Y1 = max(out.X1, x), max(out.Y1, y)
	}
	return out
}

// render returns pixels covering the upright rectangle r at 1/denom or finer (denom 1, 2,
// 4 or 8), and where r lies in the returned image, for resample to read.
func (s *source) render(r rect, denom int) (image.Image, rect, error) {
	if s.full != nil {
		return s.full, r, nil
	}
	W, H := s.rawSize()
	raw := mapRect(r, func(x, y float64) (float64, float64) { return toRaw(x, y, s.orient, float64(W), float64(H)) })
	ri := image.Rect(int(math.Floor(raw.X0))-1, int(math.Floor(raw.Y0))-1, int(math.Ceil(raw.X1))+1, int(math.Ceil(raw.Y1))+1)
	var img image.Image
	var err error
	if denom == s.previewDenom && s.preview != nil {
		// The preview is already rendered: cut from it rather than transform blocks again.
		img = s.preview
	} else {
		img, err = s.coeff.Crop(ri, denom)
		if err != nil {
			return nil, rect{}, err
		}
	}
	d := float64(denom)
	if s.orient <= 1 {
		return img, rect{r.X0 / d, r.Y0 / d, r.X1 / d, r.Y1 / d}, nil
	}
	// Turn the rendered part upright, then find r inside it.
	Ws, Hs := math.Ceil(float64(W)/d), math.Ceil(float64(H)/d)
	ib := img.Bounds()
	up := mapRect(rect{float64(ib.Min.X), float64(ib.Min.Y), float64(ib.Max.X), float64(ib.Max.Y)},
		func(x, y float64) (float64, float64) { return toUpright(x, y, s.orient, Ws, Hs) })
	return orient(img, s.orient), rect{r.X0/d - up.X0, r.Y0/d - up.Y0, r.X1/d - up.X0, r.Y1/d - up.Y0}, nil
}

// renderAt renders the upright rectangle r at dw×dh, from the coarsest scale that still
// has at least as many pixels as the output.
func (s *source) renderAt(r rect, dw, dh int) (*image.RGBA, error) {
	img, rr, err := s.render(r, denomFor(r, dw, dh))
	if err != nil {
		return nil, err
	}
	// The analysis copy is usually the preview pixel for pixel: convert, do not resample.
	if x0, y0 := int(rr.X0), int(rr.Y0); float64(x0) == rr.X0 && float64(y0) == rr.Y0 && rr.W() == float64(dw) && rr.H() == float64(dh) &&
		image.Rect(x0, y0, x0+dw, y0+dh).In(img.Bounds()) {
		// orient made a fresh RGBA: when it is exactly what was asked, it is the answer.
		if m, ok := img.(*image.RGBA); ok && s.orient > 1 && s.full == nil && m.Rect == image.Rect(0, 0, dw, dh) {
			return m, nil
		}
		return convertRGBA(img, x0, y0, dw, dh), nil
	}
	return resample(img, rr, dw, dh), nil
}

// denomFor is the coarsest DCT scale that still has at least dw×dh pixels over r.
func denomFor(r rect, dw, dh int) int {
	for _, d := range []int{8, 4, 2} {
		if r.W()/float64(d) >= float64(dw) && r.H()/float64(d) >= float64(dh) {
			return d
		}
	}
	return 1
}

// renderYCbCr is renderAt for a picture bound for the JPEG encoder: a JPEG source is
// rendered at 1/denom (0: the coarsest scale that has dw×dh pixels), resampled in its own
// YCbCr planes as stored and then turned upright, which costs a third of going through
// RGB. Other sources get renderAt's RGBA. A large picture is made in two halves at once,
// as the crop is the last stage and the checks leave the second core idle before it ends.
func (s *source) renderYCbCr(r rect, dw, dh, denom int) (image.Image, error) {
	return s.renderYCbCrSplit(r, dw, dh, denom, dw*dh >= 200_000 && runtime.GOMAXPROCS(0) > 1)
}

func (s *source) renderYCbCrSplit(r rect, dw, dh, denom int, split bool) (image.Image, error) {
	if s.full != nil {
		return s.renderAt(r, dw, dh)
	}
	W, H := s.rawSize()
	raw := mapRect(r, func(x, y float64) (float64, float64) { return toRaw(x, y, s.orient, float64(W), float64(H)) })
	rw, rh := dw, dh
	if s.orient >= 5 {
		rw, rh = dh, dw
	}
	if denom == 0 {
		denom = denomFor(raw, rw, rh)
	}
	var out *image.YCbCr
	var err error
	if j := rh / 2 &^ 1; split && j >= 2 {
		// Rows [0, j) and [j, rh): j is even so that each half has whole 4:2:0 chroma rows,
		// and both halves cut the source where the whole would have passed from one to the
		// other, so they sample it as the whole would.
		mid := raw.Y0 + float64(j)*raw.H()/float64(rh)
		var top *image.YCbCr
		var terr error
		var wg sync.WaitGroup
		wg.Go(func() { top, terr = s.rawYCbCr(rect{raw.X0, raw.Y0, raw.X1, mid}, rw, j, denom) })
		bottom, berr := s.rawYCbCr(rect{raw.X0, mid, raw.X1, raw.Y1}, rw, rh-j, denom)
		wg.Wait()
		if err = cmp.Or(terr, berr); err == nil && top != nil && bottom != nil {
			out = image.NewYCbCr(image.Rect(0, 0, rw, rh), image.YCbCrSubsampleRatio420)
			copy(out.Y, top.Y[:j*top.YStride])
			copy(out.Y[j*out.YStride:], bottom.Y)
			copy(out.Cb, top.Cb[:j/2*top.CStride])
			copy(out.Cb[j/2*out.CStride:], bottom.Cb)
			copy(out.Cr, top.Cr[:j/2*top.CStride])
			copy(out.Cr[j/2*out.CStride:], bottom.Cr)
		}
	} else {
		out, err = s.rawYCbCr(raw, rw, rh, denom)
	}
	if err != nil {
		return nil, err
	}
	if out == nil {
		return s.renderAt(r, dw, dh)
	}
	return orientYCbCr(out, s.orient), nil
}

// rawYCbCr renders raw, a rectangle of the stored (not upright) full-size pixels, at rw×rh
// from 1/denom as 4:2:0, or returns nil when the JPEG is not YCbCr.
func (s *source) rawYCbCr(raw rect, rw, rh, denom int) (*image.YCbCr, error) {
	var img image.Image
	if denom == s.previewDenom && s.preview != nil {
		img = s.preview
	} else {
		// A margin of two output pixels keeps the resampler's taps off the cut's edges.
		m := 2 * denom
		ri := image.Rect(int(math.Floor(raw.X0))-m, int(math.Floor(raw.Y0))-m, int(math.Ceil(raw.X1))+m, int(math.Ceil(raw.Y1))+m)
		var err error
		if img, err = s.coeff.Crop(ri, denom); err != nil {
			return nil, err
		}
	}
	m, ok := img.(*image.YCbCr)
	if !ok {
		return nil, nil
	}
	d := float64(denom)
	return resampleYCbCr(m, rect{raw.X0 / d, raw.Y0 / d, raw.X1 / d, raw.Y1 / d}, rw, rh), nil
}

// rawRegion returns the stored pixels at full scale around the upright rectangle r, in the
// stored image's own coordinates, so that JPEG's 8×8 grid sits at multiples of 8.
func (s *source) rawRegion(r rect) (image.Image, image.Rectangle, error) {
	if s.full != nil {
		b := s.full.Bounds()
		ri := image.Rect(int(r.X0), int(r.Y0), int(r.X1), int(r.Y1)).Intersect(b)
		return s.full, ri, nil
	}
	W, H := s.rawSize()
	raw := mapRect(r, func(x, y float64) (float64, float64) { return toRaw(x, y, s.orient, float64(W), float64(H)) })
	ri := image.Rect(int(raw.X0), int(raw.Y0), int(raw.X1), int(raw.Y1)).Intersect(image.Rect(0, 0, W, H))
	if ri.Empty() {
		return nil, ri, nil
	}
	img, err := s.coeff.Crop(ri, 1)
	if err != nil {
		return nil, ri, err
	}
	return img, ri.Intersect(img.Bounds()), nil
}

// analysisImage is the upright picture at about pixels pixels, for the models and checks.
func (s *source) analysisImage(pixels int) (*image.RGBA, error) {
	scale := 1.0
	if px := float64(s.w * s.h); px > 1.5*float64(pixels) {
		scale = math.Sqrt(px / float64(pixels))
	}
	if s.preview != nil {
		// The preview already has about the right size: keep its pixels as they are.
		pw, ph := s.w/s.previewDenom, s.h/s.previewDenom
		if float64(pw*ph) <= 1.5*float64(pixels) {
			scale = float64(s.previewDenom)
		}
	}
	aw, ah := max(1, int(math.Round(float64(s.w)/scale))), max(1, int(math.Round(float64(s.h)/scale)))
	if rgba, ok := s.full.(*image.RGBA); ok && aw == s.w && ah == s.h && rgba.Bounds().Min == (image.Point{}) {
		return rgba, nil
	}
	return s.renderAt(s.bounds(), aw, ah)
}
