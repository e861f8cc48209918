package pdf

import (
	"bytes"
	"strings"
	"testing"
)

// TestLetterPhoneAndWhatToBring reads the letters back with pdftotext, personal and
// household: with a phone line the number is printed where the reader is told to
// call; without one no phone instruction is left (no "call the comune's phone line"
// with nothing to dial), the code is just "personal code" and the short /campagna
// address still asks for it. Both sides name the photo and the fee.
func TestLetterPhoneAndWhatToBring(t *testing.T) {
	render := func(phone string) string {
		b := sampleBatch(1)
		b.Phone = phone
		b.Letters = append(b.Letters, householdLetter(2, "Gina"))
		var buf bytes.Buffer
		if err := b.WritePDF(&buf); err != nil {
			t.Fatal(err)
		}
		_, pages := pdfPages(t, buf.Bytes())
		return strings.Join(pages, "\n")
	}
	bring := []string{"fototessera recente (35×45 mm", "Il costo è di 22,20 euro", "recent passport photo (35×45 mm", "The fee is €22.20"}

	got := render("02 02 02")
	for _, want := range append([]string{"Oppure chiami il 02 02 02", "Or call 02 02 02", "Oppure chiamate il 02 02 02",
		"Codice personale per il telefono", "Personal code for the phone line"}, bring...) {
		if !strings.Contains(got, want) {
			t.Errorf("letters with a phone line lack %q", want)
		}
	}
	if n := strings.Count(got, "fototessera recente (35×45 mm"); n != 2 {
		t.Errorf("the photo is asked for on %d Italian sides, want 2 (personal, household)", n)
	}

	got = render("")
	for _, bad := range []string{"chiami", "chiamate", "servizio telefonico", "Or call", "phone line", "per il telefono"} {
		if strings.Contains(got, bad) {
			t.Errorf("letters without a phone line still say %q", bad)
		}
	}
	for _, want := range append([]string{"sportello.comune.milano.it/campagna e inserisca il codice personale", "open sportello.comune.milano.it/campagna and enter your personal code",
		"Codice personale", "Personal code", "1234 5678"}, bring...) {
		if !strings.Contains(got, want) {
			t.Errorf("letters without a phone line lack %q", want)
		}
	}
}
