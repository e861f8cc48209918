package photo

import (
	"image"
	"math"
)

const (
	bgMaskMax   = 40   // mask value below which a pixel is surely background
	bgBusyMax   = 12.0 // tuned: see coarseBackground
	bgLumMin    = 90.0
	bgShadowMax = 0.30 // tuned: |left−right| / brighter side, next to the head
	bgMinPixels = 200
	bgMargin    = 1 // blocks kept clear of the person: loose hair and the mask's soft edge (2 changed nothing)
)

// region is the part of the analysis image that the final photo will show: the planned
// crop when there is one, else the whole picture.
func (a *analysis) region() image.Rectangle {
	b := a.img.Bounds()
	if a.plan == nil {
		return b
	}
	r := a.plan.r
	return image.Rect(int(r.X0/a.sx), int(r.Y0/a.sy), int(math.Ceil(r.X1/a.sx)), int(math.Ceil(r.Y1/a.sy))).Intersect(b)
}

func (a *analysis) isBackground(x, y int) bool {
	return a.mask.GrayAt(x, y).Y < bgMaskMax
}

func (a *analysis) lumaAt(x, y int) float64 {
	p := a.img.PixOffset(x, y)
	return luma(float64(a.img.Pix[p]), float64(a.img.Pix[p+1]), float64(a.img.Pix[p+2]))
}

// checkBackground judges the background by the person mask: busy when neighbouring
// background pixels differ a lot (foliage, bricks, objects), and too dark below a floor.
// The second result compares the background either side of the head.
func (a *analysis) checkBackground() (Result, Result) {
	if a.mask == nil {
		why := "no person mask"
		if a.live {
			why = "not measured in live mode: judged on the final shot"
		}
		return notAssessed("background", why), notAssessed("background_shadows", why)
	}
	reg := a.region()
	var step, sum float64
	var nStep, n int
	for y := reg.Min.Y; y < reg.Max.Y-1; y++ {
		for x := reg.Min.X; x < reg.Max.X-1; x++ {
			if !a.isBackground(x, y) {
				continue
			}
			l := a.lumaAt(x, y)
			sum += l
			n++
			if a.isBackground(x+1, y) && a.isBackground(x, y+1) {
				step += math.Abs(a.lumaAt(x+1, y)-l) + math.Abs(a.lumaAt(x, y+1)-l)
				nStep++
			}
		}
	}
	if n < bgMinPixels || nStep == 0 {
		return notAssessed("background", "too little background visible"), notAssessed("background_shadows", "too little background visible")
	}
	_ = step
	cstd, bstep := a.coarseBackground(reg)
	bg := judge("background", cstd+bstep, atMost(bgBusyMax))
	bg.Unit = "block colour spread + step"
	mean := sum / float64(n)
	bg.Note = "background luma " + fmtF(mean, 0) + " (≥ " + fmtF(bgLumMin, 0) + ")"
	if mean < bgLumMin {
		bg.Status = Fail
		bg.Note = "background too dark: " + bg.Note
	}
	return bg, a.checkBackgroundShadows(reg)
}

// checkBackgroundShadows compares the background in two bands beside the head, from the
// crown to the chin: a shadow cast behind the head darkens one of them.
func (a *analysis) checkBackgroundShadows(reg image.Rectangle) Result {
	fr := a.faceRect()
	fw := fr.W()
	y0, y1 := int(fr.Y0-0.3*fr.H()), int(fr.Y1)
	side := func(x0, x1 int) (float64, int) {
		var s float64
		n := 0
		for y := max(reg.Min.Y, y0); y < min(reg.Max.Y, y1); y++ {
			for x := max(reg.Min.X, x0); x < min(reg.Max.X, x1); x++ {
				if a.isBackground(x, y) {
					s += a.lumaAt(x, y)
					n++
				}
			}
		}
		if n == 0 {
			return 0, 0
		}
		return s / float64(n), n
	}
	l, nl := side(int(fr.X0-0.8*fw), int(fr.X0))
	r, nr := side(int(fr.X1), int(fr.X1+0.8*fw))
	if nl < bgMinPixels/4 || nr < bgMinPixels/4 {
		return notAssessed("background_shadows", "too little background beside the head")
	}
	res := judge("background_shadows", math.Abs(l-r)/max(1, l, r), atMost(bgShadowMax))
	res.Unit = "left/right difference"
	return res
}

// coarseBackground measures the background on 8×8 blocks: the spread of their colour
// (red minus blue; scenery and objects vary in colour, a lit wall only in brightness) and
// the mean luma step between neighbouring blocks (edges of objects). Per-pixel steps
// would measure sensor noise and JPEG grain instead.
func (a *analysis) coarseBackground(reg image.Rectangle) (colour, step float64) {
	const k = 8
	bw, bh := reg.Dx()/k, reg.Dy()/k
	means := make([]float64, bw*bh)
	cs := make([]float64, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			var s, sc float64
			ok := true
			for y := reg.Min.Y + by*k; y < reg.Min.Y+(by+1)*k && ok; y++ {
				for x := reg.Min.X + bx*k; x < reg.Min.X+(bx+1)*k; x++ {
					if !a.isBackground(x, y) {
						ok = false
						break
					}
					s += a.lumaAt(x, y)
					p := a.img.PixOffset(x, y)
					sc += float64(a.img.Pix[p]) - float64(a.img.Pix[p+2])
				}
			}
			if ok {
				means[by*bw+bx] = s / (k * k)
				cs[by*bw+bx] = sc / (k * k)
			} else {
				means[by*bw+bx] = -1
			}
		}
	}
	// Keep only blocks whose neighbours are background too: loose hair and the mask's
	// soft edge sit next to the person, not out in the background.
	keep := make([]float64, len(means))
	for i := range means {
		keep[i] = means[i]
		bx, by := i%bw, i/bw
		for dy := -bgMargin; dy <= bgMargin && keep[i] >= 0; dy++ {
			for dx := -bgMargin; dx <= bgMargin; dx++ {
				x, y := bx+dx, by+dy
				if x >= 0 && y >= 0 && x < bw && y < bh && means[y*bw+x] < 0 {
					keep[i] = -1
					break
				}
			}
		}
	}
	means = keep
	var csum, csum2, st float64
	n, ns := 0, 0
	for i, m := range means {
		if m < 0 {
			continue
		}
		csum += cs[i]
		csum2 += cs[i] * cs[i]
		n++
		if i%bw+1 < bw && means[i+1] >= 0 {
			st += math.Abs(means[i+1] - m)
			ns++
		}
		if i+bw < len(means) && means[i+bw] >= 0 {
			st += math.Abs(means[i+bw] - m)
			ns++
		}
	}
	if n == 0 || ns == 0 {
		return 0, 0
	}
	cm := csum / float64(n)
	return math.Sqrt(max(0, csum2/float64(n)-cm*cm)), st / float64(ns)
}
