package booth

import "github.com/sportello/sportello/internal/photo"

// Hint is one line of kiosk guidance: a short order in large type and the engine's
// fuller instruction under it.
type Hint struct {
	Check    string `json:"check"`
	IT       string `json:"it"`
	EN       string `json:"en"`
	DetailIT string `json:"detail_it"`
	DetailEN string `json:"detail_en"`
}

// Guidance is the kiosk's answer to one camera frame.
type Guidance struct {
	Ready bool   `json:"ready"` // every check the frame can show passes: take the photo
	Hints []Hint `json:"hints"` // most urgent first
}

// maxHints keeps the kiosk screen readable: one or two orders at a time.
const maxHints = 2

// guidanceSkips are checks a downscaled preview frame cannot pass or judge fairly: the
// engine's resolution and sharpness measures grow with the pixel count (a compliant
// portrait reads 20 at 480×640 and 37 at 720×960 against a threshold of 25). The
// full-resolution capture is checked on them.
var guidanceSkips = map[string]bool{"resolution": true, "sharpness": true, "pixelation": true}

// short orders a person in front of a booth can follow at a glance; the engine's
// instruction is kept as the detail line.
var short = map[string][2]string{
	"face_found":    {"Si metta davanti alla fotocamera", "Stand in front of the camera"},
	"one_face":      {"Solo una persona, per favore", "Only one person, please"},
	"eyes":          {"Si avvicini", "Come closer"},
	"pose_yaw":      {"Guardi dritto", "Look straight ahead"},
	"pose_pitch":    {"Guardi dritto", "Look straight ahead"},
	"pose_roll":     {"Tenga la testa dritta", "Keep your head straight"},
	"eyes_open":     {"Tenga gli occhi aperti", "Keep your eyes open"},
	"mouth_closed":  {"Chiuda la bocca", "Close your mouth"},
	"expression":    {"Non sorrida", "Do not smile"},
	"tinted_lenses": {"Tolga gli occhiali", "Take off your glasses"},
	"glare":         {"Tolga gli occhiali", "Take off your glasses"},
	"head_covering": {"Tolga il cappello", "Take off your hat"},
	"sharpness":     {"Stia fermo", "Keep still"},
	"resolution":    {"Si avvicini", "Come closer"},
}

// GuidanceFrom turns a preview frame's report into kiosk guidance.
func GuidanceFrom(rep *photo.Report) Guidance { return guide(rep, guidanceSkips) }

// CaptureHints says why a full-resolution capture was refused; every check counts.
func CaptureHints(rep *photo.Report) []Hint { return guide(rep, nil).Hints }

func guide(rep *photo.Report, skips map[string]bool) Guidance {
	g := Guidance{Ready: true}
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status != photo.Fail || skips[c.ID] {
			continue
		}
		g.Ready = false
		h := Hint{Check: c.ID, IT: c.IT, EN: c.EN, DetailIT: c.IT, DetailEN: c.EN}
		if s, ok := short[c.ID]; ok {
			h.IT, h.EN = s[0], s[1]
		}
		if c.ID == "crop_geometry" {
			// The measure is the face's share of the photo height: too small means the
			// person is too far from the camera, too large too near.
			switch {
			case c.Value > 0 && c.Value < 0.70:
				h.IT, h.EN = "Si avvicini", "Come closer"
			case c.Value > 0.80:
				h.IT, h.EN = "Si allontani un poco", "Step back a little"
			default:
				h.IT, h.EN = "Si metta al centro", "Move to the centre"
			}
		}
		if seen[h.IT] || len(g.Hints) >= maxHints {
			continue
		}
		seen[h.IT] = true
		g.Hints = append(g.Hints, h)
	}
	if rep.Crop == nil && g.Ready {
		// No failed check but no crop fits either (head cut off at an edge).
		g.Ready = false
		g.Hints = append(g.Hints, Hint{Check: "crop_geometry", IT: "Si metta al centro", EN: "Move to the centre"})
	}
	return g
}

// SummaryOf keeps a report's measures for the record.
func SummaryOf(rep *photo.Report) Summary {
	s := Summary{Compliant: rep.Compliant}
	for _, c := range rep.Checks {
		s.Checks = append(s.Checks, CheckSummary{ID: c.ID, Status: string(c.Status), Value: c.Value, Unit: c.Unit, Threshold: c.Threshold})
	}
	return s
}
