package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// householdLetter is a letter for n people of one household, same office and day,
// consecutive times, each with their own code.
func householdLetter(n int, names string) Letter {
	loc, _ := time.LoadLocation("Europe/Rome")
	lt := Letter{Address: "Via Padova 118", Postcode: "20127", City: "Milano", Office: "Anagrafe Via Larga", OfficeAddress: "Via Larga 12, 20122 Milano",
		Deadline: time.Date(2026, 1, 31, 23, 59, 0, 0, loc), Link: "https://sportello.comune.milano.it/c/HHHHHHHHHHEAAAAAaXxYz00000000042QrStUvWxYz0123"}
	for i := 0; i < n; i++ {
		lt.Members = append(lt.Members, LetterMember{Name: fmt.Sprintf("%s %c. Esposito", names, 'A'+i), Office: lt.Office, OfficeAddress: lt.OfficeAddress,
			At: time.Date(2026, 2, 10, 9, 20+10*i, 0, 0, loc), Code: fmt.Sprintf("%08d", 31415926+i*1111)})
	}
	m := lt.Members[0]
	lt.Name, lt.At, lt.Code = m.Name, m.At, m.Code
	return lt
}

// pdfPages writes data and returns each page's text, spaces collapsed.
func pdfPages(t *testing.T, data []byte) (string, []string) {
	t.Helper()
	pdftotext := testenv.LookPath(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "l.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return path, pages
}

// TestHouseholdLetter: a household gets one letter naming everyone, with each
// member's time and own phone code on both sides, the QR code (read back from the
// printed page) holding the link; a household too large for one sheet goes on to a
// second sheet with the rest of the members, Italian front and English back each.
func TestHouseholdLetter(t *testing.T) {
	b := sampleBatch(1)
	b.Letters = append(b.Letters, householdLetter(4, "Giovanna Maria"), householdLetter(14, "Anna"))
	var buf bytes.Buffer
	if err := b.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	path, pages := pdfPages(t, buf.Bytes())
	// 2 pages for the personal letter, 2 for the four, 2 × sheets for the fourteen
	if len(pages) < 8 || len(pages)%2 != 0 {
		t.Fatalf("%d pages", len(pages))
	}
	four, big := pages[2:4], pages[4:]
	for side, p := range four {
		for i, m := range b.Letters[1].Members {
			for _, want := range []string{m.Name, m.At.Format("15:04"), letterGroupCode(m.Code)} {
				if !strings.Contains(p, want) {
					t.Fatalf("household letter side %d lacks member %d's %q:\n%s", side+1, i, want, p)
				}
			}
		}
		if strings.Contains(p, "Foglio") || strings.Contains(p, "Sheet") {
			t.Fatalf("a household of four is marked as several sheets:\n%s", p)
		}
	}
	for _, want := range []string{"Gentili Giovanna Maria A. Esposito, Giovanna Maria B. Esposito, Giovanna Maria C. Esposito e Giovanna Maria D. Esposito,",
		"martedì 10 febbraio 2026", "Anagrafe Via Larga", "potete confermare in una volta tutto il nucleo",
		"aprite sportello.comune.milano.it/campagna e inserite il codice personale"} {
		if !strings.Contains(four[0], want) {
			t.Fatalf("front lacks %q:\n%s", want, four[0])
		}
	}
	if !strings.Contains(four[1], "Dear Giovanna Maria A. Esposito, ") || !strings.Contains(four[1], "Tuesday 10 February 2026") {
		t.Fatalf("back:\n%s", four[1])
	}
	// the fourteen: every member exactly once per language, in order, over the sheets
	sheets := len(big) / 2
	if sheets < 2 {
		t.Fatalf("fourteen members on %d sheet", sheets)
	}
	for lang := 0; lang < 2; lang++ {
		var text string
		for s := 0; s < sheets; s++ {
			p := big[2*s+lang]
			mark := fmt.Sprintf("Foglio %d di %d", s+1, sheets)
			if lang == 1 {
				mark = fmt.Sprintf("Sheet %d of %d", s+1, sheets)
			}
			if !strings.Contains(p, mark) {
				t.Fatalf("page lacks %q:\n%s", mark, p)
			}
			text += p
		}
		at := 0
		for i, m := range b.Letters[2].Members {
			code := letterGroupCode(m.Code)
			if n := strings.Count(text, code); n != 1 {
				t.Fatalf("language %d: member %d's code printed %d times", lang, i, n)
			}
			j := strings.Index(text, code)
			if j < at {
				t.Fatalf("language %d: member %d out of order", lang, i)
			}
			at = j
		}
	}
	// what a phone sees on the household letter's front
	pdftoppm := testenv.LookPath(t, "pdftoppm")
	zbarimg := testenv.LookPath(t, "zbarimg")
	dir := t.TempDir()
	if out, err := exec.Command(pdftoppm, "-r", "150", "-f", "3", "-l", "3", "-png", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	png, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(png) != 1 {
		t.Fatalf("pages %v", png)
	}
	out, err := exec.Command(zbarimg, "-q", "--raw", png[0]).Output()
	if got := strings.TrimSpace(string(out)); err != nil || got != b.Letters[1].Link {
		t.Fatalf("QR = %q (%v), want %q", got, err, b.Letters[1].Link)
	}
	if dir := os.Getenv("SPORTELLO_SCREENSHOTS"); dir != "" {
		data, _ := os.ReadFile(png[0])
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "campaign_letter_household.png"), data, 0o644)
	}
}
