package outreach

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// TestHouseholdLetterToAdults: a family letter is addressed to its adults, the
// oldest first, never to a toddler; the minors are named in its appointments; the
// QR code (read back from the printed page) is the oldest adult's link, and it
// confirms the whole household.
func TestHouseholdLetterToAdults(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	hh := letterHousehold(t, f)
	births := map[string]time.Time{ // the first member a toddler, then a parent, a grandparent, a teenager
		hh[0].CF: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC),
		hh[1].CF: time.Date(1985, 3, 2, 0, 0, 0, 0, time.UTC),
		hh[2].CF: time.Date(1950, 7, 3, 0, 0, 0, 0, time.UTC),
	}
	for _, c := range hh[3:] {
		births[c.CF] = time.Date(2010, 9, 4, 0, 0, 0, 0, time.UTC)
	}
	for i := range f.cs {
		if b, ok := births[f.cs[i].CF]; ok {
			f.cs[i].Birth = b
		}
	}
	if _, err := f.st.ImportCitizens(ctx, f.cs, nil); err != nil {
		t.Fatal(err)
	}
	name := func(i int) string { return hh[i].GivenNames + " " + hh[i].FamilyName }
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.svc.Letters(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := zr.File[0].Open()
	data, _ := io.ReadAll(rc)
	rc.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "letters.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testenv.LookPath(t, "pdftotext"), "-f", "1", "-l", "1", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	front := strings.Join(strings.Fields(string(out)), " ")
	if want := "Gentili " + name(2) + " e " + name(1) + ","; !strings.Contains(front, want) {
		t.Fatalf("the family letter does not open %q:\n%s", want, front)
	}
	for i := range hh {
		if !strings.Contains(front, name(i)) {
			t.Fatalf("the family letter does not name %s in its appointments:\n%s", name(i), front)
		}
	}
	// the address block: the grandparent's name is the first line, before the parent's
	if g, p, k := strings.Index(front, name(2)), strings.Index(front, name(1)), strings.Index(front, name(0)); g < 0 || g > p || k < p {
		t.Fatalf("addressees out of order (grandparent %d, parent %d, toddler %d):\n%s", g, p, k, front)
	}
	if out, err := exec.Command(testenv.LookPath(t, "pdftoppm"), "-r", "150", "-f", "1", "-l", "1", "-png", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	qr, err := exec.Command(testenv.LookPath(t, "zbarimg"), "-q", "--raw", pages[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	token, ok := strings.CutPrefix(strings.TrimSpace(string(qr)), "https://comune.example/c/")
	if !ok {
		t.Fatalf("QR holds %q", qr)
	}
	v, err := f.svc.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if v.Citizen.CF != hh[2].CF {
		t.Fatalf("the QR is %s %s's link, want the oldest adult's, %s", v.Citizen.GivenNames, v.Citizen.FamilyName, name(2))
	}
	if res, err := f.svc.Confirm(ctx, token, true); err != nil || res.Count != len(hh) {
		t.Fatalf("household confirm through the adult's link: %v %+v", err, res)
	}
}

// TestMinorAt: 18 on the day of the birthday, not the day before.
func TestMinorAt(t *testing.T) {
	birth := time.Date(2008, 2, 29, 0, 0, 0, 0, time.UTC)
	loc, _ := time.LoadLocation("Europe/Rome")
	for _, tt := range []struct {
		at    time.Time
		minor bool
	}{
		{time.Date(2026, 2, 28, 23, 30, 0, 0, loc), true},
		{time.Date(2026, 3, 1, 0, 30, 0, 0, loc), false}, // 29 February 2026 does not exist: 18 on 1 March
		{time.Date(2030, 1, 1, 9, 0, 0, 0, loc), false},
	} {
		if got := minorAt(birth, tt.at); got != tt.minor {
			t.Fatalf("born %s, on %s minor = %v, want %v", birth.Format(time.DateOnly), tt.at, got, tt.minor)
		}
	}
	if minorAt(time.Time{}, time.Now()) {
		t.Fatal("an unknown birth date counts as a minor")
	}
}
