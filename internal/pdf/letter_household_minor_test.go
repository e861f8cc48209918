package pdf

import (
	"bytes"
	"strings"
	"testing"
)

// TestHouseholdLetterMinors: a family letter greets and addresses its adults only,
// in the order given (the oldest first), and names the minors in the appointments; a
// letter naming only minors (their parents already hold a CIE) is written to their
// parents, on both sides, never to a child.
func TestHouseholdLetterMinors(t *testing.T) {
	family := householdLetter(4, "Luca")
	family.Members[0].Minor, family.Members[3].Minor = true, true // a toddler, two adults, a teenager
	kids := householdLetter(2, "Sara")
	for i := range kids.Members {
		kids.Members[i].Minor = true
	}
	b := sampleBatch(0)
	b.Letters = []Letter{family, kids}
	var buf bytes.Buffer
	if err := b.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	_, pages := pdfPages(t, buf.Bytes())
	if len(pages) != 4 {
		t.Fatalf("%d pages, want 2 letters of 2 sides", len(pages))
	}
	m := func(l Letter, i int) string { return l.Members[i].Name }
	for side, want := range []string{
		"Gentili " + m(family, 1) + " e " + m(family, 2) + ",",
		"Dear " + m(family, 1) + " and " + m(family, 2) + ",",
		"Gentili genitori di " + m(kids, 0) + " e " + m(kids, 1) + ",",
		"Dear parents of " + m(kids, 0) + " and " + m(kids, 1) + ",",
	} {
		p := pages[side]
		if !strings.Contains(p, want) {
			t.Fatalf("page %d lacks %q:\n%s", side+1, want, p)
		}
		l := family
		if side >= 2 {
			l = kids
		}
		for i := range l.Members {
			if !strings.Contains(p, m(l, i)) {
				t.Fatalf("page %d does not name %s:\n%s", side+1, m(l, i), p)
			}
		}
	}
	// the address block, before the date line, holds the adults only
	block, _, _ := strings.Cut(pages[0], "Milano, ")
	if strings.Contains(block, m(family, 0)) || strings.Contains(block, m(family, 3)) || !strings.Contains(block, m(family, 1)) {
		t.Fatalf("the address block names a minor or misses an adult:\n%s", block)
	}
	if block, _, _ := strings.Cut(pages[2], "Milano, "); !strings.Contains(block, "Ai genitori di") {
		t.Fatalf("a letter of minors alone is not addressed to their parents:\n%s", block)
	}
}
