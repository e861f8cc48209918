package face

import (
	"encoding/csv"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/testenv"
)

// sharedPortraits is the project's labelled portrait set, copied into the photo
// package's testdata with its manifest, sources and licences.
const sharedPortraits = "../testdata/portraits"

// Over the whole labelled set: every portrait has its face found, the
// two-face composites have two, and open eyes measure open.
//
// Faces are counted from score 0.75: over this set and shared/testdata/faces
// (140 images) every real face scored at least 0.765, and the two false
// detections (foliage, a hand) 0.57 and 0.83 — the hand hides a camera-covered
// face that scores 0.65, in a photo labelled face_occluded.
func TestSharedPortraitSet(t *testing.T) {
	testenv.SkipShort(t, "whole-set evaluation")
	f, err := os.Open(filepath.Join(sharedPortraits, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err != nil {
		return
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	e := testEngine(t)
	var open []float64
	for _, row := range rows[1:] {
		file, label := row[0], row[5]
		img := decodeFile(t, filepath.Join(sharedPortraits, file))
		all, err := e.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		var dets []Detection
		for _, d := range all {
			if d.Score >= 0.75 {
				dets = append(dets, d)
			}
		}
		want := 1
		if strings.HasPrefix(label, "two_faces") {
			want = 2
		}
		if len(dets) != want && !(label == "face_too_small" && len(dets) >= 1) {
			t.Errorf("%s (%s): %d faces, want %d", file, label, len(dets), want)
			continue
		}
		if label != "compliant" && !strings.HasPrefix(label, "smile") {
			continue
		}
		m, err := e.RefinedLandmarks(img, dets[0])
		if err != nil {
			t.Fatal(err)
		}
		r, l := m.Refined.EyeOpenness()
		open = append(open, r, l)
	}
	sort.Float64s(open)
	if len(open) == 0 {
		t.Fatal("no compliant or smiling portrait measured")
	}
	t.Logf("eye openness of %d open eyes: min %.3f, 5th percentile %.3f, median %.3f, max %.3f",
		len(open), open[0], open[len(open)/20], open[len(open)/2], open[len(open)-1])
	// Every eye in these sets is open; a threshold under the minimum
	// accepts them all.
	if open[0] < 0.12 {
		t.Errorf("an open eye measures %.3f", open[0])
	}
}

func decodeFile(tb testing.TB, path string) *image.RGBA {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	return img
}
