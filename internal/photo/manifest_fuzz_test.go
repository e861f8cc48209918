package photo

import (
	"strings"
	"testing"
)

func TestReadManifest(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		n         int
		compliant []bool
		wantErr   bool
	}{
		{"minimal", "file,label\na.jpg,compliant\nb.jpg,smile;hat\n", 2, []bool{true, false}, false},
		{"glasses allowed", "label,file\nglasses,c.jpg\nglasses;sunglasses,d.jpg\n", 2, []bool{true, false}, false},
		{"missing column", "file,notes\na.jpg,x\n", 0, nil, true},
		{"empty", "", 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadManifest(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if len(s) != tt.n {
				t.Fatalf("%d samples, want %d", len(s), tt.n)
			}
			for i, c := range tt.compliant {
				if s[i].Compliant() != c {
					t.Errorf("sample %d compliant = %v", i, !c)
				}
			}
		})
	}
}

func FuzzReadManifest(f *testing.F) {
	f.Add("file,label,person_or_id\na.jpg,compliant,p1\n")
	f.Add("file,label\n\"x,y\",smile;;hat\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ReadManifest(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, x := range s {
			for _, l := range x.Labels {
				if l == "" || strings.TrimSpace(l) != l {
					t.Fatalf("label %q not trimmed", l)
				}
			}
		}
	})
}

func TestTabulate(t *testing.T) {
	rep := func(fails ...string) *Report {
		r := &Report{Compliant: len(fails) == 0}
		for _, id := range CheckIDs {
			st := Pass
			for _, f := range fails {
				if f == id {
					st = Fail
				}
			}
			r.Checks = append(r.Checks, Result{ID: id, Status: st})
		}
		return r
	}
	outs := []Outcome{
		{Sample{File: "a", Labels: []string{"compliant"}}, rep(), nil},
		{Sample{File: "b", Labels: []string{"compliant"}}, rep("expression"), nil},
		{Sample{File: "c", Labels: []string{"smile"}}, rep("expression"), nil},
		{Sample{File: "d", Labels: []string{"smile", "hat"}}, rep(), nil},
		{Sample{File: "e", Labels: []string{"glasses"}}, rep(), nil},
		{Sample{File: "f", Labels: []string{"compliant"}}, nil, ErrNotImage},
	}
	tab := Tabulate(outs)
	if tab.Compliant != 3 || tab.FalseRejects != 1 || tab.Errors != 1 {
		t.Fatalf("compliant %d, false rejects %d, errors %d", tab.Compliant, tab.FalseRejects, tab.Errors)
	}
	if tab.TuneCompliant+tab.HeldCompliant != 3 || tab.TuneFalseRejects+tab.HeldFalseRejects != 1 {
		t.Fatalf("split %+v", tab)
	}
	for _, c := range tab.Checks {
		if c.ID == "expression" && (c.Rejected != 1 || c.OfCompliant != 3 || c.Missed != 1 || c.OfDefective != 2) {
			t.Fatalf("expression %+v", c)
		}
	}
	want := map[string][2]int{"smile": {1, 2}, "hat": {1, 1}}
	for _, l := range tab.Labels {
		if w, ok := want[l.Label]; !ok || l.Accepted != w[0] || l.Of != w[1] {
			t.Fatalf("label %+v", l)
		}
	}
}
