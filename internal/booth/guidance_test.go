package booth

import (
	"testing"

	"github.com/sportello/sportello/internal/photo"
)

func TestGuidanceFrom(t *testing.T) {
	res := func(id string, st photo.Status, v float64) photo.Result {
		return photo.Result{ID: id, Status: st, Value: v, IT: "engine " + id, EN: "engine " + id}
	}
	crop := &photo.CropBox{X1: 10, Y1: 10}
	tests := []struct {
		name    string
		checks  []photo.Result
		crop    *photo.CropBox
		ready   bool
		first   string
		capture int // hints for the full capture
	}{
		{"all pass", []photo.Result{res("eyes", photo.Pass, 120)}, crop, true, "", 0},
		{"not assessed never blocks", []photo.Result{res("eyes_open", photo.NotAssessed, 0)}, crop, true, "", 0},
		{"too far", []photo.Result{res("crop_geometry", photo.Fail, 0.5)}, crop, false, "Si avvicini", 1},
		{"too near", []photo.Result{res("crop_geometry", photo.Fail, 0.9)}, crop, false, "Si allontani un poco", 1},
		{"glasses", []photo.Result{res("tinted_lenses", photo.Fail, 0.2)}, crop, false, "Tolga gli occhiali", 1},
		{"looking away", []photo.Result{res("pose_yaw", photo.Fail, 12)}, crop, false, "Guardi dritto", 1},
		{"unknown check uses the engine's text", []photo.Result{res("new_check", photo.Fail, 1)}, crop, false, "engine new_check", 1},
		{"preview skips resolution and sharpness", []photo.Result{res("resolution", photo.Fail, 300), res("sharpness", photo.Fail, 10)}, crop, true, "", 2},
		{"same order once", []photo.Result{res("pose_yaw", photo.Fail, 9), res("pose_pitch", photo.Fail, 20)}, crop, false, "Guardi dritto", 1},
		{"at most two", []photo.Result{res("pose_yaw", photo.Fail, 9), res("glare", photo.Fail, 1), res("expression", photo.Fail, 1)}, crop, false, "Guardi dritto", 2},
		{"no crop fits", nil, nil, false, "Si metta al centro", 0},
	}
	for _, tt := range tests {
		rep := &photo.Report{Checks: tt.checks, Crop: tt.crop}
		g := GuidanceFrom(rep)
		if g.Ready != tt.ready {
			t.Errorf("%s: ready %v, want %v", tt.name, g.Ready, tt.ready)
		}
		if tt.first != "" && (len(g.Hints) == 0 || g.Hints[0].IT != tt.first) {
			t.Errorf("%s: hints %+v, want %q first", tt.name, g.Hints, tt.first)
		}
		if n := len(CaptureHints(rep)); n != tt.capture && tt.crop != nil {
			t.Errorf("%s: %d capture hints, want %d", tt.name, n, tt.capture)
		}
	}
}
