package photo

import (
	"strings"
	"testing"
)

func TestPlanCrop(t *testing.T) {
	tests := []struct {
		name  string
		h     head
		w, ht float64
		ok    bool
		why   string
	}{
		{"centred studio portrait", head{crown: 250, eyes: 600, chin: 950, cx: 675}, 1350, 1350, true, ""},
		{"already a CIE crop", head{crown: 40, eyes: 425, chin: 800, cx: 413}, 827, 1063, true, ""},
		{"crown above the frame", head{crown: -60, eyes: 300, chin: 650, cx: 675}, 1350, 1350, false, "top edge"},
		{"chin at the bottom", head{crown: 700, eyes: 1050, chin: 1340, cx: 675}, 1350, 1350, false, "below the chin"},
		{"face at the left edge", head{crown: 250, eyes: 600, chin: 950, cx: 150}, 1350, 1350, false, "side edge"},
		{"head fills the frame", head{crown: 10, eyes: 600, chin: 1300, cx: 675}, 1350, 1350, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, why := planCrop(tt.h, tt.w, tt.ht)
			if (p != nil) != tt.ok {
				t.Fatalf("plan=%v why=%q, want ok=%v", p, why, tt.ok)
			}
			if !tt.ok {
				if !strings.Contains(why, tt.why) {
					t.Fatalf("why=%q, want it to mention %q", why, tt.why)
				}
				return
			}
			r := p.r
			if r.X0 < 0 || r.Y0 < 0 || r.X1 > tt.w || r.Y1 > tt.ht {
				t.Fatalf("crop %+v outside %gx%g", r, tt.w, tt.ht)
			}
			if a := r.W() / r.H(); a < frameAspect-0.01 || a > frameAspect+0.01 {
				t.Fatalf("aspect %.3f", a)
			}
			face := (tt.h.chin - tt.h.crown) / r.H()
			eye := (r.Y1 - tt.h.eyes) / r.H()
			centre := (tt.h.cx - r.X0) / r.W()
			if face < faceMin-0.01 || face > faceMax+0.01 || eye < eyeMin-0.01 || eye > eyeMax+0.01 || centre < 0.44 || centre > 0.56 {
				t.Fatalf("face %.3f eye %.3f centre %.3f out of the rules", face, eye, centre)
			}
		})
	}
}

func TestOutside(t *testing.T) {
	tests := []struct {
		r    rect
		want float64
	}{
		{rect{0, 0, 10, 10}, 0},
		{rect{-5, 0, 5, 10}, 0.5},
		{rect{-10, -10, 10, 10}, 0.75},
		{rect{20, 20, 30, 30}, 1},
	}
	for _, tt := range tests {
		if got := outside(tt.r, 10, 10); got != tt.want {
			t.Errorf("outside(%+v) = %g, want %g", tt.r, got, tt.want)
		}
	}
}
