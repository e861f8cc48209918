package photo

import (
	"fmt"
	"math"
)

// CIE frame (PRODUCT.md §2): 35×45 mm, chin to crown 70–80 % of the height, eyes 51–69 %
// of the height from the bottom, centred.
const (
	frameAspect   = 35.0 / 45.0
	faceMin       = 0.70
	faceMax       = 0.80
	eyeMin        = 0.51
	eyeMax        = 0.69
	centreTol     = 0.05 // face centre within 45–55 % of the width (ISO/IEC 19794-5)
	crownMargin   = 0.0  // the crown may touch the top edge, not leave it
	shoulderSpace = 0.10 // at least this share below the chin, for neck and shoulders
	fitTolerance  = 0.01 // landmark noise allowed past the image edge, as a share of the height
	crownK        = 0.32 // skull top above mesh point 10, as a share of point 10 to chin (anthropometric: vertex ≈ 4–5 cm above the hairline)
	minOutHeight  = 709  // 400 dpi at 45 mm
	maxOutHeight  = 1063 // 600 dpi at 45 mm
)

// cropPlan is a compliant crop in source pixels and the geometry it gives.
type cropPlan struct {
	r          rect
	face, eye  float64 // face height share, eye line from the bottom
	centre     float64 // face centre across the width
	headHeight float64 // chin to crown, source pixels
}

// head is the vertical layout of the head in source pixels.
type head struct {
	crown, eyes, chin, cx float64
}

func (a *analysis) head() head {
	top, chin := a.p(meshTop), a.p(meshChin)
	r, l := a.eyes()
	e := mid(r, l)
	// ISO/IEC 19794-5 measures the head to the crown ignoring hair, so the crown is the
	// skull's, estimated from the mesh; the person mask would add the hair's volume.
	crown := top.Y - crownK*(chin.Y-top.Y)
	cx := (e.X + chin.X + a.p(meshNoseTip).X) / 3
	return head{crown: crown * a.sy, eyes: e.Y * a.sy, chin: chin.Y * a.sy, cx: cx * a.sx}
}

// planCrop searches the face share, eye line and centring allowed by the rules for the
// crop closest to the ideal (75 %, 60 %, centred) that lies inside the w×h picture.
func planCrop(h head, w, ht float64) (*cropPlan, string) {
	H := h.chin - h.crown
	if H <= 0 {
		return nil, "face geometry not measurable"
	}
	var best *cropPlan
	bestCost := math.Inf(1)
	why := ""
	for f := faceMin; f <= faceMax+1e-9; f += 0.005 {
		Hc := H / f
		W := Hc * frameAspect
		tol := fitTolerance * Hc
		for e := eyeMin; e <= eyeMax+1e-9; e += 0.005 {
			y0 := h.eyes - (1-e)*Hc
			y1 := y0 + Hc
			if (h.crown-y0)/Hc < crownMargin || (y1-h.chin)/Hc < shoulderSpace {
				continue
			}
			if y0 < -tol {
				why = "head too close to the top edge"
				continue
			}
			if y1 > ht+tol {
				if why == "" {
					why = "not enough space below the chin"
				}
				continue
			}
			for c := 0.5 - centreTol; c <= 0.5+centreTol+1e-9; c += 0.01 {
				x0 := h.cx - c*W
				if x0 < -tol || x0+W > w+tol {
					if why == "" {
						why = "face too close to a side edge"
					}
					continue
				}
				cost := sq((f-0.75)/0.05) + sq((e-0.60)/0.09) + sq((c-0.5)/centreTol)
				if cost < bestCost {
					bestCost = cost
					r := rect{x0, y0, x0 + W, y1}
					best = &cropPlan{r: shiftInside(r, w, ht), face: f, eye: e, centre: c, headHeight: H}
				}
			}
		}
	}
	if best == nil && why == "" {
		why = "head proportions outside the frame rules"
	}
	return best, why
}

// shiftInside moves r (never resizes it) by up to the fit tolerance so it lies in the picture.
func shiftInside(r rect, w, h float64) rect {
	dx := max(0, -r.X0) - max(0, r.X1-w)
	dy := max(0, -r.Y0) - max(0, r.Y1-h)
	r.X0, r.X1, r.Y0, r.Y1 = r.X0+dx, r.X1+dx, r.Y0+dy, r.Y1+dy
	r.X0, r.Y0 = max(0, r.X0), max(0, r.Y0)
	r.X1, r.Y1 = min(w, r.X1), min(h, r.Y1)
	return r
}

func sq(v float64) float64 { return v * v }

// checkGeometry finds the possible CIE crop and judges whether the source can give it and
// at what resolution. When none fits, the value is the share of the ideal crop (75 %, 60 %,
// centred) that falls outside the picture.
func (a *analysis) checkGeometry() (Result, Result) {
	w, ht := float64(a.src.w), float64(a.src.h)
	h := a.head()
	plan, why := planCrop(h, w, ht)
	geo := newResult("crop_geometry")
	geo.Threshold = fmt.Sprintf("face %g–%g %%, eyes %g–%g %% from bottom, centred, inside the picture", faceMin*100, faceMax*100, eyeMin*100, eyeMax*100)
	Hc := (h.chin - h.crown) / 0.75
	if plan == nil {
		geo.Status = Fail
		geo.Value = round3(outside(idealCrop(h), w, ht))
		geo.Unit = "share of the ideal crop outside the picture"
		geo.Note = why
	} else {
		a.plan = plan
		a.crop = &CropBox{plan.r.X0, plan.r.Y0, plan.r.X1, plan.r.Y1}
		geo.Status = Pass
		geo.Value = round3(plan.face)
		geo.Unit = "face share"
		geo.Note = fmt.Sprintf("face %.0f %%, eyes %.0f %% from bottom, centre %.0f %%", plan.face*100, plan.eye*100, plan.centre*100)
		Hc = plan.r.H()
	}
	res := judge("resolution", Hc, atLeast(math.Round(minOutHeight/maxUpscale)))
	res.Note = "height in source pixels of the 35×45 crop"
	if res.Status == Fail {
		res.Note = fmt.Sprintf("the 35×45 crop would be %.0f px high in the source; %d px are needed with at most %.2f× enlargement", Hc, minOutHeight, maxUpscale)
	}
	return geo, res
}

// idealCrop is the crop the rules aim at: face 75 %, eyes 60 % from the bottom, centred.
func idealCrop(h head) rect {
	Hc := (h.chin - h.crown) / 0.75
	W := Hc * frameAspect
	y0 := h.eyes - 0.4*Hc
	return rect{h.cx - W/2, y0, h.cx + W/2, y0 + Hc}
}

// outside is the share of r's area that lies outside the w×h picture.
func outside(r rect, w, h float64) float64 {
	a := r.W() * r.H()
	if a <= 0 {
		return 1
	}
	in := max(0, min(r.X1, w)-max(r.X0, 0)) * max(0, min(r.Y1, h)-max(r.Y0, 0))
	return 1 - in/a
}
