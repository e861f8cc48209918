package photo

const (
	eyeOpenMin  = 0.15  // compliant ≥ 0.24, eyes downcast 0.13, eyes not visible 0.06
	mouthGapMax = 0.15  // plain mesh (live mode), tuned: compliant ≤ 0.143, open mouths ≥ 0.16
	lipGapMax   = 0.095 // attention lips, tuned: midpoint of compliant ≤ 0.010 and open ≥ 0.180
	smileMax    = 0.793 // cross-validated: see smileScore
	tintedMin   = 0.45  // tuned: lens-area luma / skin luma
	glareMax    = 0.01  // compliant 0.000; mirrored lenses 0.012
	redEyeMax   = 0.10
	glareLuma   = 240.0
)

// checkEyesOpen uses the attention model's eyelids: the plain mesh's lids never close
// fully (FACE-STACK.md: 0.17–0.20 closed against 0.19–0.34 open), so without them the
// check is not assessed and the mesh's eye aspect ratio is only shown.
func (a *analysis) checkEyesOpen() Result {
	if ref := a.mesh.Refined; ref != nil && len(ref.LeftEyelid) >= 16 && len(ref.RightEyelid) >= 16 {
		v := min(openness(ref.RightEyelid), openness(ref.LeftEyelid))
		res := judge("eyes_open", v, atLeast(eyeOpenMin))
		res.Unit = "lid gap / eye width"
		return res
	}
	ear := (a.ear(159, 145, 33, 133) + a.ear(386, 374, 263, 362)) / 2
	r := notAssessed("eyes_open", "plain mesh eyelids do not follow closed eyes; eye aspect ratio "+fmtF(ear, 3))
	r.Value = round3(ear)
	return r
}

func (a *analysis) ear(up, down, out, in int) float64 {
	w := dist(a.p(out), a.p(in))
	if w == 0 {
		return 0
	}
	return dist(a.p(up), a.p(down)) / w
}

// openness is the widest gap between the lids over the eye's width. The attention model's
// first 16 eye points are the lower lid from the outer to the inner corner (0–8) and the
// upper lid above points 1–7 (9–15).
func openness(lid []Point) float64 {
	w := dist(lid[0], lid[8])
	if w == 0 {
		return 0
	}
	var gap float64
	for k := range 7 {
		gap = max(gap, dist(lid[1+k], lid[9+k]))
	}
	return gap / w
}

// smileScore adds up what a smile does to a face: the mouth widens against the eye
// distance (it did for all 35 London pairs), the lips part and the eyes narrow. The
// features and weights were chosen by two-fold cross-validation by person (Sample.Tuning
// is the split; corner lift, cheek width and face width added nothing); this model's
// threshold came out the same on both folds (0.790, 0.795) and is their mean.
//
// The gap here stays the plain mesh's although it is wrong on full lips (checkMouth): on
// smiles with closed lips it still parts (0.05–0.11, the attention lips 0.003), which
// carries the smile. Swapping in the attention lips' gap, adding their corner lift or the
// corners' depth, and refitting on the tuning half moved the two neutral faces it rejects
// below the limit only by rejecting others in the held-out half or accepting more smiles.
func (a *analysis) smileScore() float64 {
	w := max(dist(a.p(meshMouthR), a.p(meshMouthL)), 1)
	gap := dist(a.p(meshLipUpper), a.p(meshLipLower)) / w
	open := (a.ear(159, 145, 33, 133) + a.ear(386, 374, 263, 362)) / 2
	if r := a.mesh.Refined; r != nil && len(r.LeftEyelid) >= 16 && len(r.RightEyelid) >= 16 {
		open = (openness(r.RightEyelid) + openness(r.LeftEyelid)) / 2
	}
	return w/a.iod() + gap - 0.25*open
}

// Indices into Refined.Lips (see face.Refined): the outer corners, and the inner lower
// lip from corner to corner with the inner upper lip above its points 1–9.
const (
	lipsCornerR     = 0
	lipsCornerL     = 10
	lipsInnerLower  = 20
	lipsInnerUpper  = 31
	lipsInnerPoints = 9
)

// refinedLipGap is the widest gap between the attention model's inner lips over the
// mouth's width. The plain mesh's inner lips sit inside full lips: a closed neutral mouth
// read 0.143 there and 0.002 here (the tuning half's compliant mouths read ≤ 0.010 here,
// its open ones ≥ 0.180).
func refinedLipGap(lips []Point) (float64, bool) {
	if len(lips) < lipsInnerUpper+lipsInnerPoints {
		return 0, false
	}
	w := dist(lips[lipsCornerR], lips[lipsCornerL])
	if w == 0 {
		return 0, false
	}
	var gap float64
	for k := range lipsInnerPoints {
		gap = max(gap, dist(lips[lipsInnerLower+1+k], lips[lipsInnerUpper+k]))
	}
	return gap / w, true
}

// checkMouth judges the lip gap (mouth open, teeth showing) and the smile. The gap comes
// from the attention model's lips when it ran, else from the plain mesh.
func (a *analysis) checkMouth() (Result, Result) {
	w := dist(a.p(meshMouthR), a.p(meshMouthL))
	gap := dist(a.p(meshLipUpper), a.p(meshLipLower)) / max(w, 1)
	mc := judge("mouth_closed", gap, atMost(mouthGapMax))
	mc.Unit = "lip gap / mouth width"
	if r := a.mesh.Refined; r != nil {
		if g, ok := refinedLipGap(r.Lips); ok {
			mc = judge("mouth_closed", g, atMost(lipGapMax))
			mc.Unit = "inner lip gap / mouth width"
		}
	}
	ex := judge("expression", a.smileScore(), atMost(smileMax))
	ex.Unit = "smile score"
	// The smile score is geometry only, and a smile with bared teeth can keep the mouth
	// narrow; the teeth themselves are measured in the pixels.
	teeth := a.teethShare()
	ex.Threshold += "; teeth ≤ " + fmtF(teethMax, 2)
	ex.Note = "teeth visible " + fmtF(teeth, 3)
	if teeth > teethMax {
		ex.Status = Fail
		ex.Note = "teeth showing: share " + fmtF(teeth, 3)
	}
	return mc, ex
}

// lensBoxes are the areas a spectacle lens would cover around each eye.
func (a *analysis) lensBoxes() []rect {
	var out []rect
	for _, ring := range [][]int{rightEyeRing, leftEyeRing} {
		ps := a.ring(ring)
		c := centroid(ps)
		w := dist(ps[0], ps[8])
		out = append(out, rect{c.X - 0.8*w, c.Y - 0.45*w, c.X + 0.8*w, c.Y + 0.45*w})
	}
	return out
}

// checkTinted compares the lens areas with the skin: dark lenses make them much darker
// than eyes, lashes and brows ever do.
func (a *analysis) checkTinted() Result {
	all, _, _ := a.skin()
	sk := stats(a.img, all)
	var lens pixelSet
	for _, r := range a.lensBoxes() {
		lens = append(lens, box(a.img, r)...)
	}
	st := stats(a.img, lens)
	res := judge("tinted_lenses", st.l/max(1, sk.l), atLeast(tintedMin))
	res.Unit = "lens/skin luma"
	return res
}

// checkGlare measures near-white, colourless pixels over the lens areas (glare on glasses)
// and over the skin (flash hot spots); the value is the larger share.
func (a *analysis) checkGlare() Result {
	white := func(r, g, b float64) bool {
		_, s := hueSat(r, g, b)
		return luma(r, g, b) >= glareLuma && s < 0.2
	}
	var lens pixelSet
	for _, r := range a.lensBoxes() {
		lens = append(lens, box(a.img, r)...)
	}
	all, _, _ := a.skin()
	lg, sg := fraction(a.img, lens, white), fraction(a.img, all, white)
	res := judge("glare", max(lg, sg), atMost(glareMax))
	res.Unit = "share of white pixels"
	res.Note = "lenses " + fmtF(lg, 3) + ", skin " + fmtF(sg, 3)
	return res
}

// checkRedEyes measures strongly red pixels inside the eye openings.
func (a *analysis) checkRedEyes() Result {
	var s pixelSet
	s = append(s, polygon(a.img, a.ring(rightEyeRing))...)
	s = append(s, polygon(a.img, a.ring(leftEyeRing))...)
	if len(s) < 10 {
		return notAssessed("red_eyes", "eyes too small")
	}
	v := fraction(a.img, s, func(r, g, b float64) bool { return r > 100 && r > 1.9*g && r > 1.6*b })
	res := judge("red_eyes", v, atMost(redEyeMax))
	res.Unit = "share of red pixels"
	return res
}

// checkHeadCovering is not assessed: no measure tried separates hats from hair on the
// labelled set. The person mask's extent above the mesh's forehead point, shown as the
// value, reads 0.29–0.72 of the face height on the 55 compliant portraits (volume of hair
// counts) and 0.49, 0.57, 0.85 and 1.46 on the 4 hats: a bound with no false reject
// (0.75) would catch 2 of 4. The colour step from the top of the head to the hair beside
// the temples overlaps fully (compliant 2–179, hats 21–134 in RGB distance). OFIQ's users
// report the same confusion with bald heads.
func (a *analysis) checkHeadCovering() Result {
	r := notAssessed("head_covering", "no reliable measure yet: hats are not told from hair")
	if a.mask == nil {
		return r
	}
	top, chin := a.p(meshTop), a.p(meshChin)
	fh := chin.Y - top.Y
	fw := a.faceRect().W()
	if fh <= 0 || fw <= 0 {
		return r
	}
	b := a.mask.Bounds()
	// Walk up from the forehead while the central band of columns is mostly person.
	y0 := int(top.Y)
	y := y0
	for ; y >= b.Min.Y; y-- {
		on := 0
		for x := max(b.Min.X, int(top.X-0.2*fw)); x <= min(b.Max.X-1, int(top.X+0.2*fw)); x++ {
			if a.mask.GrayAt(x, y).Y > 128 {
				on++
			}
		}
		if on <= int(0.2*fw) {
			break
		}
	}
	r.Value = round3(float64(y0-y-1) / fh)
	r.Unit = "person above the forehead / face height"
	r.Note += "; shown for reference, compliant 0.29–0.72, hats 0.49–1.46"
	return r
}
