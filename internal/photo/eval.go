package photo

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// LabelChecks maps a defect label of the manifest to the checks that must fail on it.
// Labels absent here (hand_near_face, face_occluded, …) are judged on the verdict only.
var LabelChecks = map[string][]string{
	"smile":                      {"expression"},
	"smile_open_mouth":           {"mouth_closed"},
	"mouth_open":                 {"mouth_closed"},
	"head_tilted":                {"pose_roll"},
	"head_turned":                {"pose_yaw"},
	"head_pitch_up":              {"pose_pitch"},
	"head_down":                  {"pose_pitch"},
	"shadows":                    {"face_shadows"},
	"uneven_illumination":        {"face_shadows"},
	"busy_background":            {"background"},
	"dark_background":            {"background"},
	"hat":                        {"head_covering"},
	"two_faces":                  {"one_face"},
	"other_person_in_background": {"one_face"},
	"sunglasses":                 {"tinted_lenses"},
	"glare_reflection":           {"glare"},
	"face_too_small":             {"resolution", "crop_geometry"},
	"tight_crop":                 {"crop_geometry"},
	"off_centre":                 {"crop_geometry"},
	"eyes_downcast":              {"eyes_open"},
	"eyes_not_visible":           {"eyes_open"},
	"blur":                       {"sharpness"},
	"dark":                       {"exposure"},
	"overexposed":                {"exposure"},
	"jpeg_blocking":              {"pixelation"},
}

// allowedLabels do not make a photo non-compliant by themselves (clear glasses are allowed).
var allowedLabels = map[string]bool{"compliant": true, "glasses": true}

// Sample is one labelled file of an evaluation.
type Sample struct {
	File   string
	Person string
	Labels []string
}

// Compliant reports whether the labels say the photo should pass.
func (s Sample) Compliant() bool {
	for _, l := range s.Labels {
		if !allowedLabels[l] {
			return false
		}
	}
	return true
}

// Tuning reports whether the sample belongs to the half thresholds were tuned on; the
// split is by person, so a person's neutral and smiling photos stay on the same side.
func (s Sample) Tuning() bool {
	h := fnv.New32a()
	h.Write([]byte(s.Person))
	return h.Sum32()%2 == 0
}

// ReadManifest reads a manifest.csv with at least the columns file and label (defects
// separated by ';'); person_or_id, when present, keeps a person on one side of the split.
func ReadManifest(r io.Reader) ([]Sample, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 1 {
		return nil, errors.New("empty manifest")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	fi, ok1 := col["file"]
	li, ok2 := col["label"]
	if !ok1 || !ok2 {
		return nil, errors.New("manifest needs the columns file and label")
	}
	pi, hasPerson := col["person_or_id"]
	var out []Sample
	for _, row := range rows[1:] {
		s := Sample{File: row[fi], Person: row[fi]}
		if hasPerson {
			s.Person = row[pi]
		}
		for _, l := range strings.Split(row[li], ";") {
			if l = strings.TrimSpace(l); l != "" {
				s.Labels = append(s.Labels, l)
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Outcome is one evaluated sample.
type Outcome struct {
	Sample
	Report *Report
	Err    error
}

// Evaluate checks every sample under dir; unreadable files are outcomes with Err set.
func (e *Engine) Evaluate(ctx context.Context, dir string, samples []Sample) []Outcome {
	out := make([]Outcome, len(samples))
	for i, s := range samples {
		out[i].Sample = s
		f, err := os.Open(filepath.Join(dir, s.File))
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Report, out[i].Err = e.Check(ctx, f)
		f.Close()
	}
	return out
}

// EvalTable counts, per check, false rejects of compliant photos and false accepts of the
// labels it must catch, and per defect label how many photos were accepted overall.
type EvalTable struct {
	Compliant, FalseRejects int
	// The same split by Sample.Tuning: thresholds were tuned on the first half.
	TuneCompliant, TuneFalseRejects int
	HeldCompliant, HeldFalseRejects int
	Checks                          []CheckCount
	Labels                          []LabelCount
	Errors                          int
}

// CheckCount is one check's errors over an evaluation.
type CheckCount struct {
	ID                    string
	Rejected, OfCompliant int // false rejects
	Missed, OfDefective   int // false accepts among photos labelled for this check
	NotAssessed           int
}

// LabelCount is one defect label's overall false accepts.
type LabelCount struct {
	Label         string
	Accepted, Of  int
	CaughtByCheck int // photos where a mapped check failed
}

// Tabulate builds the table from outcomes.
func Tabulate(outs []Outcome) EvalTable {
	var t EvalTable
	byCheck := map[string]*CheckCount{}
	for _, id := range CheckIDs {
		byCheck[id] = &CheckCount{ID: id}
	}
	byLabel := map[string]*LabelCount{}
	for _, o := range outs {
		if o.Err != nil || o.Report == nil {
			t.Errors++
			continue
		}
		comp := o.Compliant()
		if comp {
			t.Compliant++
			n, fr := &t.HeldCompliant, &t.HeldFalseRejects
			if o.Tuning() {
				n, fr = &t.TuneCompliant, &t.TuneFalseRejects
			}
			*n++
			if !o.Report.Compliant {
				t.FalseRejects++
				*fr++
			}
		}
		expect := map[string]bool{}
		for _, l := range o.Labels {
			for _, id := range LabelChecks[l] {
				expect[id] = true
			}
		}
		for _, c := range o.Report.Checks {
			cc := byCheck[c.ID]
			if cc == nil {
				continue
			}
			if c.Status == NotAssessed {
				cc.NotAssessed++
			}
			if comp {
				cc.OfCompliant++
				if c.Status == Fail {
					cc.Rejected++
				}
			}
			if expect[c.ID] {
				cc.OfDefective++
				if c.Status != Fail {
					cc.Missed++
				}
			}
		}
		if comp {
			continue
		}
		for _, l := range o.Labels {
			if allowedLabels[l] {
				continue
			}
			lc := byLabel[l]
			if lc == nil {
				lc = &LabelCount{Label: l}
				byLabel[l] = lc
			}
			lc.Of++
			if o.Report.Compliant {
				lc.Accepted++
			}
			for _, id := range LabelChecks[l] {
				if c, ok := o.Report.Check(id); ok && c.Status == Fail {
					lc.CaughtByCheck++
					break
				}
			}
		}
	}
	for _, id := range CheckIDs {
		t.Checks = append(t.Checks, *byCheck[id])
	}
	for _, lc := range byLabel {
		t.Labels = append(t.Labels, *lc)
	}
	sort.Slice(t.Labels, func(i, j int) bool {
		if t.Labels[i].Of != t.Labels[j].Of {
			return t.Labels[i].Of > t.Labels[j].Of
		}
		return t.Labels[i].Label < t.Labels[j].Label
	})
	return t
}

func pct(k, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", k, n, 100*float64(k)/float64(n))
}

// Write prints the table in plain text.
func (t EvalTable) Write(w io.Writer) {
	fmt.Fprintf(w, "compliant photos rejected: %s (tuning half %s, held-out half %s); unreadable: %d\n\n",
		pct(t.FalseRejects, t.Compliant), pct(t.TuneFalseRejects, t.TuneCompliant), pct(t.HeldFalseRejects, t.HeldCompliant), t.Errors)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\tfalse rejects (compliant)\tfalse accepts (labelled)\tnot assessed")
	for _, c := range t.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", c.ID, pct(c.Rejected, c.OfCompliant), pct(c.Missed, c.OfDefective), c.NotAssessed)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "defect label\taccepted as compliant\tcaught by its own check")
	for _, l := range t.Labels {
		own := "-"
		if len(LabelChecks[l.Label]) > 0 {
			own = pct(l.CaughtByCheck, l.Of)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Label, pct(l.Accepted, l.Of), own)
	}
	tw.Flush()
}
