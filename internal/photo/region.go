package photo

import (
	"image"
	"math"
	"sort"
)

// pixelSet is a list of analysis-image pixel offsets (into RGBA Pix) that a measure reads.
type pixelSet []int

// circle returns the pixels within radius r of c, clipped to the image.
func circle(img *image.RGBA, c Point, r float64) pixelSet {
	b := img.Bounds()
	var s pixelSet
	for y := max(b.Min.Y, int(c.Y-r)); y <= min(b.Max.Y-1, int(c.Y+r)); y++ {
		for x := max(b.Min.X, int(c.X-r)); x <= min(b.Max.X-1, int(c.X+r)); x++ {
			dx, dy := float64(x)+0.5-c.X, float64(y)+0.5-c.Y
			if dx*dx+dy*dy <= r*r {
				s = append(s, img.PixOffset(x, y))
			}
		}
	}
	return s
}

// box returns the pixels of r clipped to the image.
func box(img *image.RGBA, r rect) pixelSet {
	b := img.Bounds()
	var s pixelSet
	for y := max(b.Min.Y, int(math.Floor(r.Y0))); y < min(b.Max.Y, int(math.Ceil(r.Y1))); y++ {
		for x := max(b.Min.X, int(math.Floor(r.X0))); x < min(b.Max.X, int(math.Ceil(r.X1))); x++ {
			s = append(s, img.PixOffset(x, y))
		}
	}
	return s
}

// polygon returns the pixels whose centres lie inside the polygon (even-odd rule).
func polygon(img *image.RGBA, poly []Point) pixelSet {
	if len(poly) < 3 {
		return nil
	}
	bb := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range poly {
		bb.X0, bb.Y0 = min(bb.X0, p.X), min(bb.Y0, p.Y)
		bb.X1, bb.Y1 = max(bb.X1, p.X), max(bb.Y1, p.Y)
	}
	var s pixelSet
	b := img.Bounds()
	for y := max(b.Min.Y, int(bb.Y0)); y <= min(b.Max.Y-1, int(bb.Y1)); y++ {
		for x := max(b.Min.X, int(bb.X0)); x <= min(b.Max.X-1, int(bb.X1)); x++ {
			if inside(poly, float64(x)+0.5, float64(y)+0.5) {
				s = append(s, img.PixOffset(x, y))
			}
		}
	}
	return s
}

func inside(poly []Point, x, y float64) bool {
	in := false
	j := len(poly) - 1
	for i := range poly {
		pi, pj := poly[i], poly[j]
		if (pi.Y > y) != (pj.Y > y) && x < (pj.X-pi.X)*(y-pi.Y)/(pj.Y-pi.Y)+pi.X {
			in = !in
		}
		j = i
	}
	return in
}

// colourStats summarises a pixel set.
type colourStats struct {
	n          int
	r, g, b, l float64 // means
	sdL        float64
}

func luma(r, g, b float64) float64 { return 0.299*r + 0.587*g + 0.114*b }

func stats(img *image.RGBA, s pixelSet) colourStats {
	var st colourStats
	var sl, sl2 float64
	for _, p := range s {
		r, g, b := float64(img.Pix[p]), float64(img.Pix[p+1]), float64(img.Pix[p+2])
		st.r += r
		st.g += g
		st.b += b
		l := luma(r, g, b)
		sl += l
		sl2 += l * l
	}
	st.n = len(s)
	if st.n == 0 {
		return st
	}
	n := float64(st.n)
	st.r, st.g, st.b, st.l = st.r/n, st.g/n, st.b/n, sl/n
	st.sdL = math.Sqrt(max(0, sl2/n-st.l*st.l))
	return st
}

// fraction returns the share of pixels of s for which pred(r, g, b) holds.
func fraction(img *image.RGBA, s pixelSet, pred func(r, g, b float64) bool) float64 {
	if len(s) == 0 {
		return 0
	}
	k := 0
	for _, p := range s {
		if pred(float64(img.Pix[p]), float64(img.Pix[p+1]), float64(img.Pix[p+2])) {
			k++
		}
	}
	return float64(k) / float64(len(s))
}

// percentile returns the q-th quantiles (0..1) of the luma of s: the values a full sort
// would give, found by counting whole luma levels and sorting only the level that holds
// each quantile, as a face holds some 10⁵ pixels and sorting them all was the slowest check.
func percentile(img *image.RGBA, s pixelSet, qs ...float64) []float64 {
	out := make([]float64, len(qs))
	if len(s) == 0 {
		return out
	}
	ls := make([]float64, len(s))
	var hist [257]int
	for i, p := range s {
		l := luma(float64(img.Pix[p]), float64(img.Pix[p+1]), float64(img.Pix[p+2]))
		ls[i] = l
		hist[min(256, max(0, int(l)))]++
	}
	for i, q := range qs {
		k := min(len(ls)-1, int(q*float64(len(ls))))
		level, below := 0, 0
		for below+hist[level] <= k {
			below += hist[level]
			level++
		}
		var same []float64
		for _, l := range ls {
			if min(256, max(0, int(l))) == level {
				same = append(same, l)
			}
		}
		sort.Float64s(same)
		out[i] = same[k-below]
	}
	return out
}

// hueSat returns the HSV hue in degrees (-180..180, 0 = red) and saturation of a colour.
func hueSat(r, g, b float64) (float64, float64) {
	mx := max(r, g, b)
	mn := min(r, g, b)
	if mx <= 0 {
		return 0, 0
	}
	sat := (mx - mn) / mx
	if mx == mn {
		return 0, sat
	}
	var h float64
	switch mx {
	case r:
		h = 60 * (g - b) / (mx - mn)
	case g:
		h = 60 * (2 + (b-r)/(mx-mn))
	default:
		h = 60 * (4 + (r-g)/(mx-mn))
	}
	if h > 180 {
		h -= 360
	}
	return h, sat
}
