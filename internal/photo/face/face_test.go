package face

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestDetectCountsFaces(t *testing.T) {
	e := testEngine(t)
	for _, tc := range []struct {
		file string
		want int
	}{
		{"obama.jpg", 1},
		{"obama_small.jpg", 1},
		{"london_001_neutral.jpg", 1},
		{"london_004_neutral.jpg", 1},
		{"london_004_roll+15.jpg", 1},
		{"two_people.jpg", 2},
		{"london_005_plus_025.jpg", 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dets, err := e.Detect(loadRGBA(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(dets) != tc.want {
				t.Fatalf("found %d faces, want %d: %+v", len(dets), tc.want, dets)
			}
			for i := 1; i < len(dets); i++ {
				if dets[i].Score > dets[i-1].Score {
					t.Errorf("detections not sorted best first")
				}
			}
		})
	}
}

func TestDetectEmptyImage(t *testing.T) {
	e := testEngine(t)
	if _, err := e.Detect(image.NewRGBA(image.Rect(0, 0, 0, 0))); err == nil {
		t.Fatal("no error for an empty image")
	}
	blank := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range blank.Pix {
		blank.Pix[i] = 128
	}
	dets, err := e.Detect(blank)
	if err != nil || len(dets) != 0 {
		t.Fatalf("grey image: %d faces, err %v", len(dets), err)
	}
}

// labelled eyes, read by a person from enlarged crops (see testdata/SOURCES.md).
type eyes struct {
	file        string
	right, left Point // pupil centres; right is the subject's right (image left)
}

var labelledEyes = []eyes{
	{"london_001_neutral.jpg", Point{565, 631}, Point{776, 622}},
	{"two_people.jpg", Point{289, 97.5}, Point{354, 103}},
	{"two_people.jpg", Point{844, 125}, Point{907.5, 138}},
}

// faceAt returns the detection whose eyes are nearest the labelled ones.
func faceAt(t *testing.T, dets []Detection, want eyes) Detection {
	t.Helper()
	best, bd := -1, math.Inf(1)
	for i, d := range dets {
		if v := dist(d.Keypoints[RightEye], want.right); v < bd {
			best, bd = i, v
		}
	}
	if best < 0 {
		t.Fatal("no face")
	}
	return dets[best]
}

func TestEyesWhereAPersonPutsThem(t *testing.T) {
	e := testEngine(t)
	for _, tc := range labelledEyes {
		t.Run(tc.file, func(t *testing.T) {
			img := loadRGBA(t, tc.file)
			dets, err := e.Detect(img)
			if err != nil {
				t.Fatal(err)
			}
			d := faceAt(t, dets, tc)
			iod := dist(tc.right, tc.left)
			// BlazeFace key points are coarse (a 128-pixel input): a quarter
			// of the eye distance.
			if v := dist(d.Keypoints[RightEye], tc.right) / iod; v > 0.25 {
				t.Errorf("detector right eye %v is %.2f eye distances from %v", d.Keypoints[RightEye], v, tc.right)
			}
			if v := dist(d.Keypoints[LeftEye], tc.left) / iod; v > 0.25 {
				t.Errorf("detector left eye %v is %.2f eye distances from %v", d.Keypoints[LeftEye], v, tc.left)
			}
			m, err := e.Landmarks(img, d)
			if err != nil {
				t.Fatal(err)
			}
			if m.Score < 0.9 {
				t.Errorf("mesh score %.2f", m.Score)
			}
			mid := func(a, b int) Point {
				return Point{(m.Points[a].X + m.Points[b].X) / 2, (m.Points[a].Y + m.Points[b].Y) / 2}
			}
			// The mesh is much finer: the middle of each eye's corners lies
			// within 6% of the eye distance of the pupil.
			if v := dist(mid(RightEyeOuter, RightEyeInner), tc.right) / iod; v > 0.06 {
				t.Errorf("mesh right eye centre %v is %.3f eye distances from %v", mid(RightEyeOuter, RightEyeInner), v, tc.right)
			}
			if v := dist(mid(LeftEyeOuter, LeftEyeInner), tc.left) / iod; v > 0.06 {
				t.Errorf("mesh left eye centre %v is %.3f eye distances from %v", mid(LeftEyeOuter, LeftEyeInner), v, tc.left)
			}
			render(t, "eyes_"+tc.file, img, []Detection{d}, []Mesh{m}, nil)
		})
	}
}

func TestMeshEyeCorners(t *testing.T) {
	e := testEngine(t)
	img := loadRGBA(t, "london_001_neutral.jpg")
	dets, err := e.Detect(img)
	if err != nil || len(dets) != 1 {
		t.Fatalf("%d faces, %v", len(dets), err)
	}
	m, err := e.Landmarks(img, dets[0])
	if err != nil {
		t.Fatal(err)
	}
	const iod = 211
	for _, tc := range []struct {
		idx  int
		want Point
	}{
		{RightEyeOuter, Point{515, 643}},
		{RightEyeInner, Point{618, 647}},
		{LeftEyeInner, Point{720, 637}},
		{LeftEyeOuter, Point{828, 635}},
	} {
		if v := dist(m.Points[tc.idx].XY(), tc.want) / iod; v > 0.08 {
			t.Errorf("corner %d at %.0f, a person puts it at %v (%.3f eye distances)", tc.idx, m.Points[tc.idx].XY(), tc.want, v)
		}
	}
}

// rotate turns img by deg degrees clockwise on screen about its centre,
// filling with mid grey: a synthetic head roll.
func rotate(img *image.RGBA, deg float64) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	p := pixelsOf(img)
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := range b.Dy() {
		for x := range b.Dx() {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx, sy := c*dx+s*dy+cx, -s*dx+c*dy+cy
			if sx < 0 || sy < 0 || sx >= float64(b.Dx()) || sy >= float64(b.Dy()) {
				out.SetRGBA(x, y, color.RGBA{128, 128, 128, 255})
				continue
			}
			r, g, bb := p.bilinear(sx-0.5, sy-0.5)
			out.SetRGBA(x, y, color.RGBA{uint8(r + 0.5), uint8(g + 0.5), uint8(bb + 0.5), 255})
		}
	}
	return out
}

func TestRollTracksRotation(t *testing.T) {
	e := testEngine(t)
	base := loadRGBA(t, "london_004_neutral.jpg")
	roll := func(img image.Image) float64 {
		t.Helper()
		dets, err := e.Detect(img)
		if err != nil || len(dets) != 1 {
			t.Fatalf("%d faces, %v", len(dets), err)
		}
		m, err := e.Landmarks(img, dets[0])
		if err != nil {
			t.Fatal(err)
		}
		return m.Roll()
	}
	r0 := roll(base)
	for _, deg := range []float64{-30, -15, -5, 5, 15, 30} {
		got := roll(rotate(base, deg)) - r0
		if math.Abs(got-deg) > 3 {
			t.Errorf("rotated %+.0f°: roll changed by %+.1f°", deg, got)
		}
	}
	// The shared set's own rotated copy of the same photo.
	if got := roll(loadRGBA(t, "london_004_roll+15.jpg")) - r0; math.Abs(got-15) > 3 {
		t.Errorf("london_004_roll+15: roll changed by %+.1f°", got)
	}
}

func TestSegmentSeparatesPersonFromBackground(t *testing.T) {
	e := testEngine(t)
	mean := func(m *image.Gray, r image.Rectangle) float64 {
		var s, n float64
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				s += float64(m.GrayAt(x, y).Y)
				n++
			}
		}
		return s / n
	}
	for _, tc := range []struct {
		file       string
		person, bg []image.Rectangle
	}{
		{"london_001_neutral.jpg",
			[]image.Rectangle{image.Rect(480, 550, 880, 950), image.Rect(500, 1150, 850, 1350)},
			[]image.Rectangle{image.Rect(0, 0, 300, 300), image.Rect(1100, 0, 1350, 700), image.Rect(0, 600, 250, 1000)}},
		{"obama.jpg",
			[]image.Rectangle{image.Rect(380, 170, 600, 400), image.Rect(250, 600, 700, 900)},
			[]image.Rectangle{image.Rect(0, 100, 120, 500), image.Rect(700, 50, 900, 350)}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			img := loadRGBA(t, tc.file)
			m, err := e.Segment(img)
			if err != nil {
				t.Fatal(err)
			}
			if m.Bounds() != img.Bounds() {
				t.Fatalf("mask bounds %v, image %v", m.Bounds(), img.Bounds())
			}
			for _, r := range tc.person {
				if v := mean(m, r); v < 230 {
					t.Errorf("person region %v: mean mask %.0f", r, v)
				}
			}
			for _, r := range tc.bg {
				if v := mean(m, r); v > 25 {
					t.Errorf("background region %v: mean mask %.0f", r, v)
				}
			}
		})
	}
}
