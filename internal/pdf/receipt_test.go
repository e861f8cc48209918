package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/sportello/sportello/internal/testenv"
)

func testPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 350, 450))
	for y := 0; y < 450; y++ {
		for x := 0; x < 350; x++ {
			img.Set(x, y, color.RGBA{uint8(150 + x/5), uint8(170 + y/10), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testReceipt(t *testing.T) Receipt {
	return Receipt{
		Comune: "Comune di Milano", Code: "K7M2-9QXD-4TB5", Payload: "K7M29QXD4TB5", Photo: testPhoto(t),
		Office: "Via Larga 12 — cabina 1", Issued: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC),
		Expires: time.Date(2027, 1, 22, 0, 0, 0, 0, time.UTC), Privacy: "http://localhost:8080/privacy",
	}
}

// TestReceiptBarcodesDecode renders both formats with Debian's pdftoppm and reads the
// Code 128 and the QR back with a barcode reader: the printed code must be machine-readable.
func TestReceiptBarcodesDecode(t *testing.T) {
	pdftoppm := testenv.LookPath(t, "pdftoppm")
	for _, f := range []Format{Roll80, A6} {
		t.Run(string(f), func(t *testing.T) {
			r := testReceipt(t)
			b, err := r.PDF(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "receipt.pdf")
			if err := os.WriteFile(in, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(pdftoppm, "-r", "300", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, out)
			}
			pngPath := filepath.Join(dir, "page.png")
			fh, err := os.Open(pngPath)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(fh)
			fh.Close()
			if err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("SPORTELLO_SCREENSHOTS"); dir != "" {
				data, _ := os.ReadFile(pngPath)
				_ = os.WriteFile(filepath.Join(dir, "receipt-"+string(f)+".png"), data, 0o644)
			}
			bmp, err := gozxing.NewBinaryBitmapFromImage(img)
			if err != nil {
				t.Fatal(err)
			}
			hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
			got, err := oned.NewCode128Reader().Decode(bmp, hints)
			if err != nil {
				t.Fatalf("Code 128 not readable: %v", err)
			}
			if got.GetText() != r.Payload {
				t.Errorf("Code 128 reads %q, want %q", got.GetText(), r.Payload)
			}
			got, err = qrcode.NewQRCodeReader().Decode(bmp, hints)
			if err != nil {
				t.Fatalf("QR not readable: %v", err)
			}
			if got.GetText() != r.Payload {
				t.Errorf("QR reads %q, want %q", got.GetText(), r.Payload)
			}
			// A second, independent reader: Debian's zbarimg, when present.
			if zbar, err := exec.LookPath("zbarimg"); err == nil {
				out, err := exec.Command(zbar, "--quiet", "--raw", pngPath).Output()
				if err != nil {
					t.Fatalf("zbarimg: %v", err)
				}
				lines := strings.Fields(string(out))
				if len(lines) < 2 || lines[0] != r.Payload || lines[1] != r.Payload {
					t.Errorf("zbarimg read %q, want the payload twice (Code 128 and QR)", lines)
				}
			}
		})
	}
}

// TestReceiptText checks the layout never fails on long or non-ASCII fields and that the
// text lines are in the file (gopdf keeps them as glyph ids, so only sizes are checked).
func TestReceiptFields(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Receipt)
		ok     bool
	}{
		{"full", func(*Receipt) {}, true},
		{"no photo", func(r *Receipt) { r.Photo = nil }, true},
		{"long office", func(r *Receipt) { r.Office = strings.Repeat("Piazzale Stovani 3, ", 10) }, true},
		{"accents", func(r *Receipt) { r.Comune = "Comune di Forlì-Cesena — Città" }, true},
		{"no code", func(r *Receipt) { r.Code, r.Payload = "", "" }, false},
		{"bad photo", func(r *Receipt) { r.Photo = []byte("not a jpeg") }, false},
	}
	for _, tt := range tests {
		for _, f := range []Format{Roll80, A6} {
			r := testReceipt(t)
			tt.mutate(&r)
			b, err := r.PDF(f)
			if (err == nil) != tt.ok {
				t.Errorf("%s/%s: err %v, want ok=%v", tt.name, f, err, tt.ok)
			}
			if err == nil && len(b) > 200<<10 {
				t.Errorf("%s/%s: %d bytes; fonts should be subset", tt.name, f, len(b))
			}
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"a6": A6, "80mm": Roll80, "": Roll80, "A4": Roll80} {
		if got := ParseFormat(in); got != want {
			t.Errorf("ParseFormat(%q) = %q, want %q", in, got, want)
		}
	}
}
