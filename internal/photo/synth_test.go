package photo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"math"
	"os"
	"testing"

	"github.com/sportello/sportello/internal/testenv"
)

// Synthetic variants of one compliant London portrait (CC BY 4.0, DeBruine & Jones 2017),
// each made to break one rule: the check for that rule must pass on the original and fail
// on the variant.

const synthBase = "testdata/portraits/compliant/london_004_neutral.jpg"

func loadRGBA(t testing.TB, path string) *image.RGBA {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := decodeBytes(data, DefaultLimits, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	img, err := src.renderAt(src.bounds(), src.w, src.h)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func checkImage(t *testing.T, img image.Image, quality int) *Report {
	t.Helper()
	rep, err := testEngine(t).Check(context.Background(), bytes.NewReader(encodeJPEG(t, img, quality)))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func mapPixels(src *image.RGBA, f func(v float64) float64) *image.RGBA {
	dst := image.NewRGBA(src.Bounds())
	for i := 0; i < len(src.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			dst.Pix[i+c] = clamp8(float32(f(float64(src.Pix[i+c]))))
		}
		dst.Pix[i+3] = 255
	}
	return dst
}

// rotate turns img by deg degrees about its centre, extending the edges into the corners.
func rotate(src *image.RGBA, deg float64) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(b)
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := min(max(int(c*dx+s*dy+cx), 0), b.Dx()-1)
			sy := min(max(int(-s*dx+c*dy+cy), 0), b.Dy()-1)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[src.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}

// blur applies a separable Gaussian of the given sigma.
func blur(src *image.RGBA, sigma float64) *image.RGBA {
	r := int(3 * sigma)
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	b := src.Bounds()
	pass := func(in *image.RGBA, dx, dy int) *image.RGBA {
		out := image.NewRGBA(b)
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				var acc [3]float64
				for i, w := range k {
					xx := min(max(x+dx*(i-r), 0), b.Dx()-1)
					yy := min(max(y+dy*(i-r), 0), b.Dy()-1)
					p := in.PixOffset(xx, yy)
					acc[0] += w * float64(in.Pix[p])
					acc[1] += w * float64(in.Pix[p+1])
					acc[2] += w * float64(in.Pix[p+2])
				}
				p := out.PixOffset(x, y)
				out.Pix[p], out.Pix[p+1], out.Pix[p+2], out.Pix[p+3] = clamp8(float32(acc[0])), clamp8(float32(acc[1])), clamp8(float32(acc[2])), 255
			}
		}
		return out
	}
	return pass(pass(src, 1, 0), 0, 1)
}

func subImage(src *image.RGBA, r image.Rectangle) *image.RGBA {
	return resample(src, rect{float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)}, r.Dx(), r.Dy())
}

// pasteFace puts a half-size copy of the face region into the top-left background.
func pasteFace(src *image.RGBA) *image.RGBA {
	dst := subImage(src, src.Bounds())
	b := src.Bounds()
	face := resample(src, rect{float64(b.Dx()) * 0.3, float64(b.Dy()) * 0.2, float64(b.Dx()) * 0.7, float64(b.Dy()) * 0.75}, b.Dx()/5, b.Dy()*55/200)
	for y := 0; y < face.Bounds().Dy(); y++ {
		for x := 0; x < face.Bounds().Dx(); x++ {
			copy(dst.Pix[dst.PixOffset(x+20, y+20):][:4], face.Pix[face.PixOffset(x, y):][:4])
		}
	}
	return dst
}

func TestSyntheticVariants(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	base := loadRGBA(t, synthBase)
	b := base.Bounds()
	orig := checkImage(t, base, 95)
	tests := []struct {
		name  string
		check string
		make  func() *image.RGBA
		q     int
	}{
		{"rotated 15°", "pose_roll", func() *image.RGBA { return rotate(base, 15) }, 95},
		{"Gaussian blur σ=3", "sharpness", func() *image.RGBA { return blur(base, 3) }, 95},
		{"darkened to 25 %", "exposure", func() *image.RGBA { return mapPixels(base, func(v float64) float64 { return 0.25 * v }) }, 95},
		{"overexposed", "exposure", func() *image.RGBA { return mapPixels(base, func(v float64) float64 { return 1.8*v + 40 }) }, 95},
		{"JPEG quality 5", "pixelation", func() *image.RGBA { return base }, 5},
		{"off-centre crop, head cut", "crop_geometry", func() *image.RGBA {
			return subImage(base, image.Rect(b.Dx()/3, b.Dy()/4, b.Dx(), b.Dy()))
		}, 95},
		{"two faces", "one_face", func() *image.RGBA { return pasteFace(base) }, 95},
		{"green colour cast", "skin_colour", func() *image.RGBA { return tint(base, 0.55, 1.25, 0.75) }, 95},
		{"greyscale", "skin_colour", func() *image.RGBA { return tint(base, -1, -1, -1) }, 95},
		{"red pupils", "red_eyes", func() *image.RGBA { return paintEyes(t, base, "red") }, 95},
		{"dark lenses", "tinted_lenses", func() *image.RGBA { return paintEyes(t, base, "tinted") }, 95},
		{"glare on lenses", "glare", func() *image.RGBA { return paintEyes(t, base, "glare") }, 95},
		{"bared teeth", "expression", func() *image.RGBA { return paintMouth(t, base, 230, 225, 210) }, 95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, _ := orig.Check(tt.check); c.Status != Pass {
				t.Fatalf("original fails %s already: %+v", tt.check, c)
			}
			rep := checkImage(t, tt.make(), tt.q)
			c, ok := rep.Check(tt.check)
			if !ok || c.Status != Fail {
				t.Fatalf("%s: %s = %+v, want fail", tt.name, tt.check, c)
			}
			if rep.Compliant {
				t.Fatalf("%s judged compliant", tt.name)
			}
			t.Logf("%s: %s %.3f (%s)", tt.name, tt.check, c.Value, c.Threshold)
		})
	}
}

// TestBackgroundReplacement paints the background of a busy-background portrait a uniform
// light grey through the person mask: the background check must fail before and pass after.
func TestBackgroundReplacement(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	const busy = "testdata/portraits/noncompliant/busy_background/interfaces_061.jpg"
	img := loadRGBA(t, busy)
	before := checkImage(t, img, 95)
	if c, _ := before.Check("background"); c.Status != Fail {
		t.Fatalf("busy background passes already: %+v", c)
	}
	mask, err := testEngine(t).model.Segment(img)
	if err != nil {
		t.Fatal(err)
	}
	grey := color.RGBA{200, 202, 205, 255}
	out := subImage(img, img.Bounds())
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			a := float64(mask.GrayAt(x, y).Y) / 255
			p := out.PixOffset(x, y)
			for c, g := range []uint8{grey.R, grey.G, grey.B} {
				out.Pix[p+c] = clamp8(float32(a*float64(out.Pix[p+c]) + (1-a)*float64(g)))
			}
		}
	}
	after := checkImage(t, out, 95)
	c, _ := after.Check("background")
	if c.Status != Pass {
		t.Fatalf("uniform background: %+v, want pass", c)
	}
	t.Logf("background %.3f → %.3f", mustValue(before, "background"), c.Value)
}

func mustValue(r *Report, id string) float64 {
	c, _ := r.Check(id)
	return c.Value
}

// tint scales the channels; negative factors make the image grey.
func tint(src *image.RGBA, r, g, b float64) *image.RGBA {
	dst := image.NewRGBA(src.Bounds())
	for i := 0; i < len(src.Pix); i += 4 {
		pr, pg, pb := float64(src.Pix[i]), float64(src.Pix[i+1]), float64(src.Pix[i+2])
		if r < 0 {
			l := luma(pr, pg, pb)
			pr, pg, pb = l, l, l
		} else {
			pr, pg, pb = pr*r, pg*g, pb*b
		}
		dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = clamp8(float32(pr)), clamp8(float32(pg)), clamp8(float32(pb)), 255
	}
	return dst
}

// paintEyes edits the eyes found by the models on src: "red" fills the pupils red (a
// flash's red eye), "tinted" darkens the lens areas to a third (sunglasses), "glare" puts
// a white highlight over each lens area.
func paintEyes(t *testing.T, src *image.RGBA, how string) *image.RGBA {
	t.Helper()
	e := testEngine(t)
	s, err := decodeBytes(encodeJPEG(t, src, 95), e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.analyse(context.Background(), s, nil)
	if err != nil || a.mesh == nil || a.mesh.Refined == nil {
		t.Fatalf("no refined mesh: %v", err)
	}
	dst := subImage(src, src.Bounds())
	set := func(x, y int, f func(p []uint8)) {
		if image.Pt(x, y).In(dst.Bounds()) {
			f(dst.Pix[dst.PixOffset(x, y):][:3])
		}
	}
	switch how {
	case "red":
		for _, iris := range [][5]Point{a.mesh.Refined.LeftIris, a.mesh.Refined.RightIris} {
			c := Point{iris[0].X * a.sx, iris[0].Y * a.sy}
			r := 0.8 * dist(iris[0], iris[1]) * a.sx
			for y := int(c.Y - r); y <= int(c.Y+r); y++ {
				for x := int(c.X - r); x <= int(c.X+r); x++ {
					if math.Hypot(float64(x)-c.X, float64(y)-c.Y) <= r {
						set(x, y, func(p []uint8) { p[0], p[1], p[2] = 200, 30, 35 })
					}
				}
			}
		}
	case "tinted", "glare":
		for _, lb := range a.lensBoxes() {
			r := a.toSource(lb)
			if how == "glare" {
				w := r.W() * 0.25
				r = rect{r.X0 + w, r.Y0 + r.H()*0.15, r.X0 + 2*w, r.Y0 + r.H()*0.45}
			}
			for y := int(r.Y0); y < int(r.Y1); y++ {
				for x := int(r.X0); x < int(r.X1); x++ {
					set(x, y, func(p []uint8) {
						if how == "glare" {
							p[0], p[1], p[2] = 252, 252, 250
							return
						}
						p[0], p[1], p[2] = p[0]/3, p[1]/3, p[2]/3
					})
				}
			}
		}
	}
	return dst
}

// paintMouth paints a band of the given colour along the line between the lips, over the
// middle of the mouth: off-white is bared teeth, pink a lip-gloss highlight.
func paintMouth(t *testing.T, src *image.RGBA, r, g, b uint8) *image.RGBA {
	t.Helper()
	e := testEngine(t)
	s, err := decodeBytes(encodeJPEG(t, src, 95), e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.analyse(context.Background(), s, nil)
	if err != nil || a.mesh == nil {
		t.Fatalf("no mesh: %v", err)
	}
	dst := subImage(src, src.Bounds())
	mr, ml := a.p(meshMouthR), a.p(meshMouthL)
	c := mid(a.p(meshLipUpper), a.p(meshLipLower))
	w := dist(mr, ml)
	box := a.toSource(rect{c.X - 0.3*w, c.Y - 0.03*w, c.X + 0.3*w, c.Y + 0.03*w})
	for y := int(box.Y0); y < int(box.Y1); y++ {
		for x := int(box.X0); x < int(box.X1); x++ {
			p := dst.Pix[dst.PixOffset(x, y):][:3]
			p[0], p[1], p[2] = r, g, b
		}
	}
	return dst
}

// TestGlossyLipsNotTeeth paints a pale pink band where bared teeth would be: the teeth
// measure must not take a lip-gloss highlight for teeth.
func TestGlossyLipsNotTeeth(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	base := loadRGBA(t, synthBase)
	rep := checkImage(t, paintMouth(t, base, 240, 200, 210), 95)
	c, _ := rep.Check("expression")
	if c.Status != Pass {
		t.Fatalf("pink highlight on the lips: %+v, want pass", c)
	}
	teeth := checkImage(t, paintMouth(t, base, 230, 225, 210), 95)
	ct, _ := teeth.Check("expression")
	t.Logf("pink: %s; off-white: %s", c.Note, ct.Note)
}

// TestLiveMode checks that the live guide still catches what a preview must show (a
// tilted head) while leaving the background to the final shot.
func TestLiveMode(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	live := New(testEngine(t).model, Options{Live: true})
	base := loadRGBA(t, synthBase)
	tests := []struct {
		name string
		img  *image.RGBA
		roll Status
	}{
		{"upright", base, Pass},
		{"tilted", rotate(base, 15), Fail},
	}
	for _, tt := range tests {
		rep, err := live.Check(context.Background(), bytes.NewReader(encodeJPEG(t, tt.img, 90)))
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := rep.Check("pose_roll"); c.Status != tt.roll {
			t.Errorf("%s: pose_roll %+v, want %s", tt.name, c, tt.roll)
		}
		if c, _ := rep.Check("background"); c.Status != NotAssessed {
			t.Errorf("%s: background %+v in live mode", tt.name, c)
		}
	}
}

// TestTrackerFollows runs a Tracker over frames of one portrait: the frames after the
// first reuse the mesh instead of the detector and must give the same verdicts.
func TestTrackerFollows(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	base := loadRGBA(t, synthBase)
	small := resample(base, fullRect(base), 480, 480)
	tilted := rotate(small, 15)
	tr := testEngine(t).NewTracker()
	tr.RedetectEvery = 3
	tests := []struct {
		img  *image.RGBA
		roll Status
	}{
		{small, Pass}, {small, Pass}, {small, Pass}, {tilted, Fail}, {tilted, Fail}, {small, Pass},
	}
	var first *Report
	for i, tt := range tests {
		var tm Timings
		rep, err := tr.Frame(context.Background(), tt.img, &tm)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := rep.Check("pose_roll"); c.Status != tt.roll {
			t.Errorf("frame %d: pose_roll %+v, want %s", i, c, tt.roll)
		}
		if detected := tm.Detect > 0; detected != (i%4 == 0) {
			t.Errorf("frame %d: detector ran = %v", i, detected)
		}
		if i == 0 {
			first = rep
			continue
		}
		if tt.img == small {
			// The tracked box differs from the detector's, and the mesh moves a little with
			// its crop: about a degree of yaw on this face.
			for id, tol := range map[string]float64{"pose_yaw": 1.5, "pose_roll": 1, "expression": 0.05, "crop_geometry": 0.02} {
				a, _ := first.Check(id)
				b, _ := rep.Check(id)
				if a.Status != b.Status || math.Abs(a.Value-b.Value) > tol {
					t.Errorf("frame %d: tracked %s %+v, detected %+v", i, id, b, a)
				}
			}
		}
	}
}

// TestHairStrands dyes the hair of the base portrait copper and draws thin wavy strands
// from the top of the head out over the wall: in the hair's colour they are loose hair and
// the background passes; the same strands in teal are things on the wall and it fails.
func TestHairStrands(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	src := loadRGBA(t, synthBase)
	e := testEngine(t)
	s, err := decodeBytes(encodeJPEG(t, src, 95), e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.analyse(context.Background(), s, nil)
	if err != nil || a.mesh == nil || a.mask == nil {
		t.Fatalf("no mesh or mask: %v", err)
	}
	copper := [3]float64{175, 85, 40}
	teal := [3]float64{40, 150, 175}
	top, chin := a.p(meshTop), a.p(meshChin)
	fh, fw := chin.Y-top.Y, a.faceRect().W()
	inMask := func(x, y float64) bool {
		p := image.Pt(int(x), int(y))
		return p.In(a.mask.Bounds()) && a.mask.GrayAt(p.X, p.Y).Y >= 128
	}
	// Dye: the person above the forehead takes the copper hue at its own brightness.
	dyed := subImage(src, src.Bounds())
	cl := luma(copper[0], copper[1], copper[2])
	for y := 0; y < dyed.Bounds().Dy(); y++ {
		for x := 0; x < dyed.Bounds().Dx(); x++ {
			ax, ay := float64(x)/a.sx, float64(y)/a.sy
			if ay > top.Y-0.03*fh || !inMask(ax, ay) {
				continue
			}
			p := dyed.PixOffset(x, y)
			l := luma(float64(dyed.Pix[p]), float64(dyed.Pix[p+1]), float64(dyed.Pix[p+2]))
			for c := range 3 {
				dyed.Pix[p+c] = clamp8(float32(copper[c] * l / cl))
			}
		}
	}
	strands := func(col [3]float64) *image.RGBA {
		out := subImage(dyed, dyed.Bounds())
		c := Point{top.X, top.Y + 0.3*fh}
		for k := range 40 {
			th := math.Pi * (1.1 + 0.8*float64(k)/39) // the upper half, left to right
			dx, dy := math.Cos(th), math.Sin(th)
			// Start where the ray from inside the head leaves the mask.
			r := 0.0
			for r < 3*fh && inMask(c.X+r*dx, c.Y+r*dy) {
				r++
			}
			for step := 0.0; step < 0.45*fw; step += 0.5 {
				wave := 0.04 * fw * math.Sin(step/(0.05*fw)+float64(k))
				x := c.X + (r+step)*dx - wave*dy
				y := c.Y + (r+step)*dy + wave*dx
				sx, sy := int(x*a.sx), int(y*a.sy)
				for oy := 0; oy < 2; oy++ {
					for ox := 0; ox < 2; ox++ {
						if pt := image.Pt(sx+ox, sy+oy); pt.In(out.Bounds()) {
							p := out.PixOffset(pt.X, pt.Y)
							for ch := range 3 {
								out.Pix[p+ch] = clamp8(float32(col[ch]))
							}
						}
					}
				}
			}
		}
		return out
	}
	hair := checkImage(t, strands(copper), 95)
	other := checkImage(t, strands(teal), 95)
	hc, _ := hair.Check("background")
	oc, _ := other.Check("background")
	t.Logf("background with copper strands %.2f, teal strands %.2f", hc.Value, oc.Value)
	if hc.Status != Pass {
		t.Errorf("strands in the hair's colour: %+v, want pass", hc)
	}
	if oc.Status != Fail {
		t.Errorf("teal strands on the wall: %+v, want fail", oc)
	}
}
