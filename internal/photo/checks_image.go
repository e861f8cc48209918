package photo

import (
	"image"
	"math"
)

// Tuned thresholds for the pixel-statistics checks (see eval_test.go for the split).
const (
	sharpMin      = 25.0 // tuned: Laplacian variance of the face at 256 px wide
	faceLumMin    = 60.0
	faceLumMax    = 215.0
	rangeMin      = 80.0 // p2..p98 luma spread over the face box
	skinHueMin    = -10.0
	skinHueMax    = 45.0
	skinSatMin    = 0.08
	skinSatMax    = 0.75
	shadowMax     = 0.22 // |left−right| / brighter half
	blockinessMax = 2.5  // compliant portraits 1.2–1.8, JPEG quality 5 above 8
)

// faceRect is the inner face (cheek edge to cheek edge, mesh top to chin) in analysis pixels.
func (a *analysis) faceRect() rect {
	xs0, xs1 := a.p(meshEdgeR).X, a.p(meshEdgeL).X
	if xs0 > xs1 {
		xs0, xs1 = xs1, xs0
	}
	return rect{xs0, a.p(meshTop).Y, xs1, a.p(meshChin).Y}
}

func (a *analysis) toSource(r rect) rect {
	return rect{r.X0 * a.sx, r.Y0 * a.sy, r.X1 * a.sx, r.Y1 * a.sy}
}

// checkSharpness measures the variance of the Laplacian over the face, re-rendered from the
// source at a fixed width so the value does not depend on the photo's resolution.
func (a *analysis) checkSharpness() Result {
	fr := a.faceRect()
	inset := 0.12 * fr.W()
	fr = rect{fr.X0 + inset, fr.Y0, fr.X1 - inset, fr.Y1}
	sr := a.toSource(fr)
	if sr.W() < 8 || sr.H() < 8 {
		return notAssessed("sharpness", "face too small")
	}
	const w = 256
	h := max(8, int(w*sr.H()/sr.W()))
	face, err := a.src.renderAt(sr, w, h)
	if err != nil {
		return notAssessed("sharpness", err.Error())
	}
	return judge("sharpness", laplacianVar(face), atLeast(sharpMin))
}

func laplacianVar(img *image.RGBA) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := img.PixOffset(x, y)
			g[y*w+x] = luma(float64(img.Pix[p]), float64(img.Pix[p+1]), float64(img.Pix[p+2]))
		}
	}
	var s, s2 float64
	n := 0
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			v := g[i-1] + g[i+1] + g[i-w] + g[i+w] - 4*g[i]
			s += v
			s2 += v * v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	m := s / float64(n)
	return s2/float64(n) - m*m
}

// skin is the set of cheek and forehead pixels, away from eyes, brows, mouth and beard.
func (a *analysis) skin() (all, right, left pixelSet) {
	r := 0.15 * a.iod()
	for _, k := range []int{meshCheekR, meshCheekRUp, meshForeheadR} {
		right = append(right, circle(a.img, a.p(k), r)...)
	}
	for _, k := range []int{meshCheekL, meshCheekLUp, meshForeheadL} {
		left = append(left, circle(a.img, a.p(k), r)...)
	}
	all = append(append(append(pixelSet{}, right...), left...), circle(a.img, a.p(meshForehead), r)...)
	return all, right, left
}

// checkExposure judges the skin's brightness and the contrast over the face box.
func (a *analysis) checkExposure() (Result, Result) {
	all, _, _ := a.skin()
	st := stats(a.img, all)
	exp := judge("exposure", st.l, within(faceLumMin, faceLumMax))
	exp.Unit = "skin luma"
	fb := box(a.img, a.faceRect())
	q := percentile(a.img, fb, 0.02, 0.98)
	dr := judge("dynamic_range", q[1]-q[0], atLeast(rangeMin))
	dr.Unit = "luma p2–p98"
	return exp, dr
}

// checkSkin judges the hue and saturation of the mean skin colour: a colour cast or a
// grey (desaturated) face falls outside the range real skin takes under white light.
func (a *analysis) checkSkin() Result {
	all, _, _ := a.skin()
	st := stats(a.img, all)
	hue, sat := hueSat(st.r, st.g, st.b)
	res := judge("skin_colour", hue, within(skinHueMin, skinHueMax))
	if sat < skinSatMin || sat > skinSatMax {
		res.Status = Fail
	}
	res.Note = "hue of the mean skin colour; saturation " + fmtF(sat, 2) + " (0.08–0.75)"
	return res
}

// checkFaceShadows compares the two halves of the face.
func (a *analysis) checkFaceShadows() Result {
	_, r, l := a.skin()
	sr, sl := stats(a.img, r), stats(a.img, l)
	v := math.Abs(sr.l-sl.l) / max(1, sr.l, sl.l)
	res := judge("face_shadows", v, atMost(shadowMax))
	res.Unit = "left/right difference"
	return res
}

// checkPixelation measures JPEG blocking on the source's own 8×8 grid around the face:
// the mean step across block edges over the mean step elsewhere.
func (a *analysis) checkPixelation() Result {
	// The middle of the face (nose, cheeks) holds enough 8×8 blocks; a 12 MP face would
	// otherwise cost a full-size render of several megapixels.
	fr := a.toSource(a.faceRect())
	cx, cy := (fr.X0+fr.X1)/2, (fr.Y0+fr.Y1)/2
	hw, hh := min(fr.W()*0.3, 256), min(fr.H()*0.3, 256)
	img, ri, err := a.src.rawRegion(rect{cx - hw, cy - hh, cx + hw, cy + hh})
	if err != nil || img == nil || ri.Dx() < 32 || ri.Dy() < 32 {
		return notAssessed("pixelation", "face too small")
	}
	x0, x1, y0, y1 := ri.Min.X, ri.Max.X, ri.Min.Y, ri.Max.Y
	read := rowReader(img)
	buf := make([]float32, 3*(x1-x0))
	prev := make([]float64, x1-x0)
	cur := make([]float64, x1-x0)
	var edge, inner float64
	var ne, ni int
	for y := y0; y < y1; y++ {
		read(y, x0, x1, buf)
		for i := range cur {
			cur[i] = luma(float64(buf[3*i]), float64(buf[3*i+1]), float64(buf[3*i+2]))
		}
		for i := 0; i+1 < len(cur); i++ {
			d := math.Abs(cur[i+1] - cur[i])
			if (x0+i+1)%8 == 0 {
				edge += d
				ne++
			} else {
				inner += d
				ni++
			}
		}
		if y > y0 {
			vertEdge := y%8 == 0
			for i := range cur {
				d := math.Abs(cur[i] - prev[i])
				if vertEdge {
					edge += d
					ne++
				} else {
					inner += d
					ni++
				}
			}
		}
		prev, cur = cur, prev
	}
	if ne == 0 || ni == 0 || inner == 0 {
		return notAssessed("pixelation", "face too small")
	}
	v := (edge / float64(ne)) / (inner / float64(ni))
	res := judge("pixelation", v, atMost(blockinessMax))
	res.Unit = "block-edge step ratio"
	return res
}
