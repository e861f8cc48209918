package booth

import (
	"math"
	"strings"
	"testing"
)

func TestNewCodeRoundTrip(t *testing.T) {
	seen := map[Code]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCode()
		if len(c) != codeLen {
			t.Fatalf("code %q has length %d", c, len(c))
		}
		if strings.ContainsAny(string(c), "*~$=UILO") {
			t.Fatalf("code %q carries a symbol people cannot say or confuse", c)
		}
		got, err := ParseCode(c.String())
		if err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %q, %v", c.String(), got, err)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice in 2000", c)
		}
		seen[c] = true
	}
}

func TestCodeEntropy(t *testing.T) {
	// 11 data symbols of 5 bits, minus the codes whose check would be a symbol.
	bits := 5*codeData + math.Log2(32.0/37.0)
	if bits < 50 {
		t.Fatalf("codes carry %.1f bits, want ≥ 50", bits)
	}
}

func TestParseCode(t *testing.T) {
	c := encode(0x1234_5678_9ABC & (1<<55 - 1))
	s := string(c)
	tests := []struct {
		name string
		in   string
		want Code
		ok   bool
	}{
		{"canonical", s, c, true},
		{"grouped", c.String(), c, true},
		{"lower case", strings.ToLower(c.String()), c, true},
		{"spaces", s[:4] + " " + s[4:8] + " " + s[8:], c, true},
		{"dashes anywhere", s[:2] + "--" + s[2:], c, true},
		{"too short", s[:11], "", false},
		{"too long", s + "0", "", false},
		{"empty", "", "", false},
		{"U in data", "U" + s[1:], "", false},
		{"punctuation", s[:11] + "!", "", false},
		{"non-ascii", s[:11] + "é", "", false},
		{"huge", strings.Repeat("-", 100) + s, "", false},
	}
	for _, tt := range tests {
		got, err := ParseCode(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: ParseCode(%q) = %q, %v; want %q ok=%v", tt.name, tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestParseCodeConfusables: O is read as 0 and I, L as 1, as Crockford's alphabet intends.
func TestParseCodeConfusables(t *testing.T) {
	for i := 0; i < 500; i++ {
		c := NewCode()
		typed := strings.NewReplacer("0", "O", "1", "l").Replace(string(c[:codeData])) + string(c[codeData:])
		if got, err := ParseCode(typed); err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %q, %v; want %q", typed, got, err, c)
		}
	}
}

// TestWrongCheckRefused: every single-symbol substitution and every adjacent
// transposition of a code is refused by the check symbol alone.
func TestWrongCheckRefused(t *testing.T) {
	for i := 0; i < 200; i++ {
		c := []byte(NewCode())
		for pos := 0; pos < codeLen; pos++ {
			for _, sym := range []byte(checkSymbol) {
				if sym == c[pos] || (pos < codeData && sym >= 32 && strings.IndexByte(alphabet, sym) < 0) {
					continue
				}
				m := append([]byte(nil), c...)
				m[pos] = sym
				if _, err := ParseCode(string(m)); err == nil {
					t.Fatalf("substitution %q → %q accepted", c, m)
				}
			}
			if pos+1 < codeLen && c[pos] != c[pos+1] {
				m := append([]byte(nil), c...)
				m[pos], m[pos+1] = m[pos+1], m[pos]
				if _, err := ParseCode(string(m)); err == nil {
					t.Fatalf("transposition %q → %q accepted", c, m)
				}
			}
		}
	}
}

func FuzzParseCode(f *testing.F) {
	f.Add("K7M2-9QXD-4TB5")
	f.Add(string(NewCode()))
	f.Add("oooo-iiii-llll")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		if len(c) != codeLen {
			t.Fatalf("accepted %q as %q of length %d", s, c, len(c))
		}
		again, err := ParseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("canonical %q does not parse back: %q %v", c, again, err)
		}
	})
}
