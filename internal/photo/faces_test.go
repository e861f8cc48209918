package photo

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// TestPublicDomainFaces checks the public-domain portraits of testdata/faces (White House
// and NASA photos, see testdata/faces/SOURCES.md): none is an ID photo, and each must fail
// for the defect its source notes describe.
func TestPublicDomainFaces(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face models")
	}
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
