package photo

import (
	"image"
	"image/color"
	"runtime"
	"sync"
)

// rowFunc writes the RGB values (0..255) of pixels x0..x1-1 of row y into dst, three
// floats a pixel. Fast paths exist for what the decoders return, because a generic
// At() costs about a second on a 12 MP photo.
type rowFunc func(y, x0, x1 int, dst []float32)

func rowReader(img image.Image) rowFunc {
	switch m := img.(type) {
	case *image.YCbCr:
		// The chroma column of pixel x is x>>cx in the chroma plane (4:4:4, 4:2:2, 4:2:0);
		// computing it per row rather than through COffset per pixel halves the cost.
		cx, cy := 0, 0
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			cx = 1
		case image.YCbCrSubsampleRatio420:
			cx, cy = 1, 1
		case image.YCbCrSubsampleRatio444:
		default:
			return func(y, x0, x1 int, dst []float32) {
				for x := x0; x < x1; x++ {
					r, g, b := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)])
					k := 3 * (x - x0)
					dst[k], dst[k+1], dst[k+2] = float32(r), float32(g), float32(b)
				}
			}
		}
		return func(y, x0, x1 int, dst []float32) {
			ybase := (y-m.Rect.Min.Y)*m.YStride - m.Rect.Min.X
			crow := (y>>cy - m.Rect.Min.Y>>cy) * m.CStride
			cmin := m.Rect.Min.X >> cx
			for x := x0; x < x1; x++ {
				ci := crow + x>>cx - cmin
				// JFIF's conversion in float: the result is resampled in float anyway.
				yy := float32(m.Y[ybase+x])
				cb, cr := float32(m.Cb[ci])-128, float32(m.Cr[ci])-128
				k := 3 * (x - x0)
				dst[k] = clampF(yy + 1.402*cr)
				dst[k+1] = clampF(yy - 0.344136*cb - 0.714136*cr)
				dst[k+2] = clampF(yy + 1.772*cb)
			}
		}
	case *image.RGBA:
		return func(y, x0, x1 int, dst []float32) {
			p := m.PixOffset(x0, y)
			for k := 0; k < 3*(x1-x0); k += 3 {
				dst[k], dst[k+1], dst[k+2] = float32(m.Pix[p]), float32(m.Pix[p+1]), float32(m.Pix[p+2])
				p += 4
			}
		}
	case *image.NRGBA:
		return func(y, x0, x1 int, dst []float32) {
			p := m.PixOffset(x0, y)
			for k := 0; k < 3*(x1-x0); k += 3 {
				// A portrait has no meaningful transparency: show it over white, as a print would.
				a := float32(m.Pix[p+3]) / 255
				w := 255 * (1 - a)
				dst[k] = float32(m.Pix[p])*a + w
				dst[k+1] = float32(m.Pix[p+1])*a + w
				dst[k+2] = float32(m.Pix[p+2])*a + w
				p += 4
			}
		}
	case *image.Gray:
		return func(y, x0, x1 int, dst []float32) {
			p := m.PixOffset(x0, y)
			for k := 0; k < 3*(x1-x0); k += 3 {
				v := float32(m.Pix[p])
				dst[k], dst[k+1], dst[k+2] = v, v, v
				p++
			}
		}
	case *image.CMYK:
		return func(y, x0, x1 int, dst []float32) {
			p := m.PixOffset(x0, y)
			for k := 0; k < 3*(x1-x0); k += 3 {
				r, g, b := color.CMYKToRGB(m.Pix[p], m.Pix[p+1], m.Pix[p+2], m.Pix[p+3])
				dst[k], dst[k+1], dst[k+2] = float32(r), float32(g), float32(b)
				p += 4
			}
		}
	}
	return func(y, x0, x1 int, dst []float32) {
		for x := x0; x < x1; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			// Premultiplied over white, as for NRGBA above.
			w := float32(0xffff-a) / 257
			k := 3 * (x - x0)
			dst[k] = float32(r)/257 + w
			dst[k+1] = float32(g)/257 + w
			dst[k+2] = float32(b)/257 + w
		}
	}
}

// taps are the source indices and weights that make one destination sample.
type taps struct {
	start int
	w     []float32
}

// makeTaps maps n destination samples onto the source span [s0, s1) clamped to [lo, hi):
// area averaging when shrinking, a one-pixel box (linear interpolation) when enlarging.
func makeTaps(n int, s0, s1 float64, lo, hi int) []taps {
	k := (s1 - s0) / float64(n)
	width := k
	if width < 1 {
		width = 1
	}
	out := make([]taps, n)
	for i := range out {
		c := s0 + (float64(i)+0.5)*k
		a, b := c-width/2, c+width/2
		ia := int(a)
		if float64(ia) > a {
			ia--
		}
		ib := int(b)
		if float64(ib) < b {
			ib++
		}
		var ws []float32
		start := -1
		var sum float32
		for j := ia; j < ib; j++ {
			ov := min(b, float64(j+1)) - max(a, float64(j))
			if ov <= 0 {
				continue
			}
			jj := min(max(j, lo), hi-1)
			if start < 0 {
				start = jj
			}
			// Clamping can repeat an index; fold its weight onto the last tap.
			if jj < start+len(ws) {
				ws[len(ws)-1] += float32(ov)
			} else {
				for start+len(ws) < jj {
					ws = append(ws, 0)
				}
				ws = append(ws, float32(ov))
			}
			sum += float32(ov)
		}
		for t := range ws {
			ws[t] /= sum
		}
		out[i] = taps{start: start, w: ws}
	}
	return out
}

// rect is a rectangle in source pixels with fractional edges.
type rect struct{ X0, Y0, X1, Y1 float64 }

func (r rect) W() float64 { return r.X1 - r.X0 }
func (r rect) H() float64 { return r.Y1 - r.Y0 }

// resample renders the part r of img at dw×dh, separably: each source row is read once,
// shrunk horizontally, and blended into the destination rows it covers.
func resample(img image.Image, r rect, dw, dh int) *image.RGBA {
	b := img.Bounds()
	read := rowReader(img)
	hx := makeTaps(dw, r.X0, r.X1, b.Min.X, b.Max.X)
	vy := makeTaps(dh, r.Y0, r.Y1, b.Min.Y, b.Max.Y)
	sx0, sx1 := b.Max.X, b.Min.X
	for _, t := range hx {
		sx0 = min(sx0, t.start)
		sx1 = max(sx1, t.start+len(t.w))
	}
	src := make([]float32, 3*(sx1-sx0))
	// Destination rows read source rows in non-decreasing order, so a ring of the last
	// maxTaps horizontally resampled rows is all the cache needed.
	maxTaps := 1
	for _, t := range vy {
		maxTaps = max(maxTaps, len(t.w))
	}
	ring := make([][]float32, maxTaps+1)
	ringY := make([]int, len(ring))
	for i := range ring {
		ring[i] = make([]float32, 3*dw)
		ringY[i] = -1 << 30
	}
	hrow := func(y int) []float32 {
		slot := ((y % len(ring)) + len(ring)) % len(ring)
		row := ring[slot]
		if ringY[slot] == y {
			return row
		}
		ringY[slot] = y
		read(y, sx0, sx1, src)
		for i, t := range hx {
			var cr, cg, cb float32
			p := 3 * (t.start - sx0)
			for _, w := range t.w {
				cr += w * src[p]
				cg += w * src[p+1]
				cb += w * src[p+2]
				p += 3
			}
			row[3*i], row[3*i+1], row[3*i+2] = cr, cg, cb
		}
		return row
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	acc := make([]float32, 3*dw)
	for j, t := range vy {
		if len(t.w) == 1 {
			// One source row: no blending to do.
			copy(acc, hrow(t.start))
		} else {
			clear(acc)
			for k, w := range t.w {
				row := hrow(t.start + k)
				for i := range acc {
					acc[i] += w * row[i]
				}
			}
		}
		pix := dst.Pix[dst.PixOffset(0, j):][:4*dw]
		for i := 0; i < dw; i++ {
			pix[4*i] = clamp8(acc[3*i])
			pix[4*i+1] = clamp8(acc[3*i+1])
			pix[4*i+2] = clamp8(acc[3*i+2])
			pix[4*i+3] = 255
		}
	}
	return dst
}

// convertRGBA is resample at one source pixel per output pixel, with the same values:
// the dw×dh pixels of img from (x0, y0) on, as RGBA at the origin.
func convertRGBA(img image.Image, x0, y0, dw, dh int) *image.RGBA {
	read := rowReader(img)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	inHalves(dw*dh, dh, func(j0, j1 int) {
		row := make([]float32, 3*dw)
		for j := j0; j < j1; j++ {
			read(y0+j, x0, x0+dw, row)
			pix := dst.Pix[j*dst.Stride:][:4*dw]
			for i := 0; i < dw; i++ {
				pix[4*i] = clamp8(row[3*i])
				pix[4*i+1] = clamp8(row[3*i+1])
				pix[4*i+2] = clamp8(row[3*i+2])
				pix[4*i+3] = 255
			}
		}
	})
	return dst
}

// inHalves runs f over rows [0, h) of a picture of px pixels, split between two
// goroutines when it is large and there is a second core: the analysis copy is made
// before the models start, when the second core has nothing else to do. f must only
// write its own rows.
func inHalves(px, h int, f func(y0, y1 int)) {
	if px < 200_000 || runtime.GOMAXPROCS(0) < 2 {
		f(0, h)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { f(h/2, h) })
	f(0, h/2)
	wg.Wait()
}

func clamp8(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// fullRect is the whole of img as a rect.
func fullRect(img image.Image) rect {
	b := img.Bounds()
	return rect{float64(b.Min.X), float64(b.Min.Y), float64(b.Max.X), float64(b.Max.Y)}
}

// orient turns img upright according to an EXIF orientation (1–8). It converts each
// stored row and writes it where the orientation puts it, a column of the result when the
// picture is turned, in one pass.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// at is where stored pixel (x, y) lands in dst.Pix.
	at := func(x, y int) int {
		var dx, dy int
		switch o {
		case 2:
			dx, dy = w-1-x, y
		case 3:
			dx, dy = w-1-x, h-1-y
		case 4:
			dx, dy = x, h-1-y
		case 5:
			dx, dy = y, x
		case 6:
			dx, dy = h-1-y, x
		case 7:
			dx, dy = h-1-y, w-1-x
		case 8:
			dx, dy = y, w-1-x
		}
		return dst.PixOffset(dx, dy)
	}
	read := rowReader(img)
	inHalves(w*h, h, func(y0, y1 int) {
		row := make([]float32, 3*w)
		for y := y0; y < y1; y++ {
			read(b.Min.Y+y, b.Min.X, b.Max.X, row)
			d, step := at(0, y), 0
			if w > 1 {
				step = at(1, y) - d
			}
			for x := 0; x < w; x++ {
				p := dst.Pix[d : d+4 : d+4]
				p[0], p[1], p[2], p[3] = clamp8(row[3*x]), clamp8(row[3*x+1]), clamp8(row[3*x+2]), 255
				d += step
			}
		}
	})
	return dst
}

func clampF(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return v
}

// resamplePlane is resample for one 8-bit plane: the part r of the plane (in its own
// sample coordinates, the plane holding w×h samples at stride) rendered at dw×dh into dst.
func resamplePlane(src []uint8, stride, w, h int, r rect, dst []uint8, dstStride, dw, dh int) {
	hx := makeTaps(dw, r.X0, r.X1, 0, w)
	vy := makeTaps(dh, r.Y0, r.Y1, 0, h)
	maxTaps := 1
	for _, t := range vy {
		maxTaps = max(maxTaps, len(t.w))
	}
	ring := make([][]float32, maxTaps+1)
	ringY := make([]int, len(ring))
	for i := range ring {
		ring[i] = make([]float32, dw)
		ringY[i] = -1 << 30
	}
	hrow := func(y int) []float32 {
		slot := y % len(ring)
		row := ring[slot]
		if ringY[slot] == y {
			return row
		}
		ringY[slot] = y
		line := src[y*stride : y*stride+w]
		for i, t := range hx {
			var s float32
			p := line[t.start:][:len(t.w)]
			for k, wt := range t.w {
				s += wt * float32(p[k])
			}
			row[i] = s
		}
		return row
	}
	acc := make([]float32, dw)
	for j, t := range vy {
		out := dst[j*dstStride:][:dw]
		if len(t.w) == 1 {
			for i, v := range hrow(t.start) {
				out[i] = clamp8(v)
			}
			continue
		}
		clear(acc)
		for k, wt := range t.w {
			row := hrow(t.start + k)[:len(acc)]
			for i := range acc {
				acc[i] += wt * row[i]
			}
		}
		for i, v := range acc {
			out[i] = clamp8(v)
		}
	}
}

// resampleYCbCr renders the part r of m at dw×dh as 4:2:0 YCbCr, resampling the planes as
// stored: the crop goes to the JPEG encoder, which wants YCbCr, so the round trip through
// RGB (three channels per source pixel, two colour conversions) is skipped. The source may
// be 4:4:4, 4:2:2 or 4:2:0; it returns nil for any other layout.
func resampleYCbCr(m *image.YCbCr, r rect, dw, dh int) *image.YCbCr {
	fx, fy := 1, 1
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
	case image.YCbCrSubsampleRatio422:
		fx = 2
	case image.YCbCrSubsampleRatio420:
		fx, fy = 2, 2
	default:
		return nil
	}
	b := m.Rect
	out := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
	yr := rect{r.X0 - float64(b.Min.X), r.Y0 - float64(b.Min.Y), r.X1 - float64(b.Min.X), r.Y1 - float64(b.Min.Y)}
	resamplePlane(m.Y, m.YStride, b.Dx(), b.Dy(), yr, out.Y, out.YStride, dw, dh)
	// Chroma sample i of a plane subsampled by f covers pixels f·(i+Min/f) … +f; the output
	// chroma sample j covers output pixels 2j, 2j+1, that is this much of the source:
	cw, ch := (dw+1)/2, (dh+1)/2
	kx, ky := 2*r.W()/float64(dw), 2*r.H()/float64(dh)
	cx0, cy0 := float64(b.Min.X/fx*fx), float64(b.Min.Y/fy*fy)
	cr := rect{
		(r.X0 - cx0) / float64(fx), (r.Y0 - cy0) / float64(fy),
		(r.X0 + kx*float64(cw) - cx0) / float64(fx), (r.Y0 + ky*float64(ch) - cy0) / float64(fy),
	}
	sw := (b.Max.X+fx-1)/fx - b.Min.X/fx
	sh := (b.Max.Y+fy-1)/fy - b.Min.Y/fy
	resamplePlane(m.Cb, m.CStride, sw, sh, cr, out.Cb, out.CStride, cw, ch)
	resamplePlane(m.Cr, m.CStride, sw, sh, cr, out.Cr, out.CStride, cw, ch)
	return out
}

// orientYCbCr turns a 4:2:0 image upright according to an EXIF orientation (1–8). Each
// output chroma sample takes the one under its first pixel: at most half a chroma sample
// off on odd sizes, below what the encoder's own subsampling blurs. Along an output row
// the stored index moves by a constant step, so each row is one strided copy.
func orientYCbCr(m *image.YCbCr, o int) *image.YCbCr {
	if o <= 1 || o > 8 {
		return m
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
	// raw is the stored pixel under output pixel (x, y): toRaw at pixel centres.
	raw := func(x, y int) (int, int) {
		switch o {
		case 2:
			return w - 1 - x, y
		case 3:
			return w - 1 - x, h - 1 - y
		case 4:
			return x, h - 1 - y
		case 5:
			return y, x
		case 6:
			return y, h - 1 - x
		case 7:
			return w - 1 - y, h - 1 - x
		}
		return w - 1 - y, x // 8
	}
	yi := func(x, y int) int { u, v := raw(x, y); return v*m.YStride + u }
	ci := func(x, y int) int { u, v := raw(2*x, 2*y); return (v/2)*m.CStride + u/2 }
	for y := 0; y < dh; y++ {
		row := out.Y[y*out.YStride:][:dw]
		i, step := yi(0, y), yi(1, y)-yi(0, y)
		for x := range row {
			row[x] = m.Y[i]
			i += step
		}
	}
	cw := (dw + 1) / 2
	for y := 0; y < (dh+1)/2; y++ {
		cb, cr := out.Cb[y*out.CStride:][:cw], out.Cr[y*out.CStride:][:cw]
		i, step := ci(0, y), ci(1, y)-ci(0, y)
		for x := range cb {
			cb[x], cr[x] = m.Cb[i], m.Cr[i]
			i += step
		}
	}
	return out
}
