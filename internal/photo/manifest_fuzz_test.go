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
