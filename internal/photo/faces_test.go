package photo

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/sportello/sportello/internal/testenv"
)

// TestPublicDomainFaces checks the public-domain portraits of testdata/faces (White House
// and NASA photos, see testdata/faces/SOURCES.md): none is an ID photo, and each must fail
// for the defect its source notes describe.
func TestPublicDomainFaces(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	tests := []struct {
		file, check string
	}{
		{"astronaut.png", "expression"},   // smiling (also exercises PNG)
		{"obama.jpg", "expression"},       // smiling, flags behind
		{"obama.jpg", "background"},       // flags behind
		{"obama2.jpg", "mouth_closed"},    // speaking
		{"obama3.jpg", "resolution"},      // full figure: the face is small
		{"biden.jpg", "resolution"},       // full figure
		{"obama_small.jpg", "resolution"}, // 320×240
		{"two_people.jpg", "one_face"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.check, func(t *testing.T) {
			data, err := os.ReadFile("testdata/faces/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := testEngine(t).Check(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := rep.Check(tt.check); c.Status != Fail || rep.Compliant {
				t.Fatalf("%s = %+v (compliant %v), want fail", tt.check, c, rep.Compliant)
			}
		})
	}
}

// TestRefinedLipsOrder checks the order of the attention model's lip points that
// refinedLipGap relies on: its outer corners and the outer lip centres land on the mesh's
// (61, 291, 0, 17), and the inner lower lip lies below the inner upper one.
func TestRefinedLipsOrder(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	e := testEngine(t)
	data, err := os.ReadFile(synthBase)
	if err != nil {
		t.Fatal(err)
	}
	s, err := decodeBytes(data, e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.analyse(context.Background(), s, nil)
	if err != nil || a.mesh == nil || a.mesh.Refined == nil {
		t.Fatalf("no refined mesh: %v", err)
	}
	lips := a.mesh.Refined.Lips
	if len(lips) != 80 {
		t.Fatalf("%d lip points, want 80", len(lips))
	}
	iod := a.iod()
	for _, c := range []struct{ lip, mesh int }{{lipsCornerR, 61}, {lipsCornerL, 291}, {15, 0}, {5, 17}} {
		if d := dist(lips[c.lip], a.p(c.mesh)) / iod; d > 0.05 {
			t.Errorf("lip point %d is %.3f eye distances from mesh point %d", c.lip, d, c.mesh)
		}
	}
	for k := range lipsInnerPoints {
		if lo, up := lips[lipsInnerLower+1+k], lips[lipsInnerUpper+k]; lo.Y < up.Y-1 {
			t.Errorf("inner lower lip %v above the upper %v", lo, up)
		}
	}
	if g, ok := refinedLipGap(lips); !ok || g > lipGapMax {
		t.Errorf("closed mouth: gap %.3f (%v)", g, ok)
	}
}
