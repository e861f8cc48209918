package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/photo"
	"github.com/sportello/sportello/internal/testenv"
)

// fakeCamera writes the Y4M the fake camera plays in a loop at 2 frames a second: three
// seconds of the person standing too far (half size), then five at the right distance.
func fakeCamera(t *testing.T) string {
	t.Helper()
	src := boothtest.Load(t, boothtest.CompliantPortrait())
	far := boothtest.Shrunk(src, 720, 960, 0.5)
	near := boothtest.Resize(src, 720, 960)
	var frames []image.Image
	for i := 0; i < 6; i++ {
		frames = append(frames, far)
	}
	for i := 0; i < 10; i++ {
		frames = append(frames, near)
	}
	path := filepath.Join(t.TempDir(), "camera.y4m")
	if err := boothtest.WriteY4M(path, 2, frames...); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserBoothToDesk is the whole path in real Chromium with a fake camera: the
// booth guides the person closer, takes the photo by itself, shows the crop and, on
// confirmation, the receipt, whose PDF barcode decodes back to the code; then a clerk
// types the code like a scanner (Enter at the end), sees the photo and downloads it.
func TestBrowserBoothToDesk(t *testing.T) {
	pdftoppm := testenv.LookPath(t, "pdftoppm")
	a := apptest.New(t)
	token := provisionBooth(t, a, "Cabina 1")
	ctx := browsertest.New(t, browsertest.Options{Timeout: 150 * time.Second, ExtraFlags: map[string]any{
		"use-fake-device-for-media-stream": true,
		"use-fake-ui-for-media-stream":     true,
		"use-file-for-fake-video-capture":  fakeCamera(t),
	}})

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/booth"),
		chromedp.WaitVisible("#token"),
		chromedp.SendKeys("#token", token),
		chromedp.Click("#pair-submit"),
		chromedp.WaitVisible("#booth-video"),
	); err != nil {
		t.Fatal(err)
	}
	// Record every order the kiosk shows.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { window.__guides = [];
		const el = document.getElementById('guide-it');
		new MutationObserver(() => window.__guides.push(el.textContent)).observe(el, {childList: true, characterData: true, subtree: true});
		return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('guide-it').textContent === 'Si avvicini'`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("no 'Si avvicini' guidance: %v", err)
	}
	browsertest.Screenshot(t, ctx, "booth-guidance")
	if vs := browsertest.Axe(t, ctx); len(vs) > 0 {
		t.Errorf("kiosk accessibility:%s", browsertest.FormatViolations(vs))
	}

	// The kiosk captures by itself once the person is in place; a capture that caught a
	// moving frame is retaken as a citizen would.
	for attempt := 0; ; attempt++ {
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById('booth-review').hidden`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
			guides, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__guides`))
			t.Fatalf("no capture: %v; guidance seen: %q", err, guides)
		}
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('booth-confirm').hidden`))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if attempt == 3 {
			t.Fatal("the capture was refused four times")
		}
		if err := chromedp.Do(ctx, chromedp.Click("#booth-retake")); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.Screenshot(t, ctx, "booth-review")
	if err := chromedp.Do(ctx, chromedp.Click("#booth-confirm"), chromedp.WaitVisible("#receipt-code")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text("#receipt-code"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := booth.ParseCode(shown)
	if err != nil {
		t.Fatalf("receipt shows %q: %v", shown, err)
	}
	browsertest.Screenshot(t, ctx, "booth-receipt")
	guides, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__guides`))
	if !photoContains(guides, "Si avvicini") || !photoContains(guides, "Perfetto, stia fermo") {
		t.Errorf("guidance seen: %q", guides)
	}

	// The receipt PDF the kiosk prints: render it and read the barcode back.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('receipt-pdf').href`))
	if err != nil || !strings.HasPrefix(href, "data:application/pdf;base64,") {
		t.Fatalf("receipt link %.60q %v", href, err)
	}
	pdfBytes, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(href, "data:application/pdf;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeReceiptBarcode(t, pdftoppm, pdfBytes); got != string(code) {
		t.Fatalf("receipt barcode reads %q, the screen shows %q", got, code)
	}

	// At the counter.
	clerkPW := a.CreateUser(t, "clerk", model.RoleOperator)
	typed := strings.ToLower(strings.ReplaceAll(string(code), "0", "o")) + "\n"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/login"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "clerk"),
		chromedp.SendKeys("#password", clerkPW),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
		chromedp.Navigate(a.URL+"/op/desk"),
		chromedp.WaitVisible("#code"),
		chromedp.SendKeys("#code", typed),
		chromedp.WaitVisible(`[data-testid="desk-image"]`),
	); err != nil {
		t.Fatal(err)
	}
	origin, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="desk-origin"]`))
	if err != nil || !strings.Contains(origin, "Cabina") {
		t.Errorf("origin %q %v", origin, err)
	}
	browsertest.Screenshot(t, ctx, "desk-photo")
	if vs := browsertest.Axe(t, ctx); len(vs) > 0 {
		t.Errorf("desk accessibility:%s", browsertest.FormatViolations(vs))
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const form = document.querySelector('form[action="/op/desk/download"]');
		const res = await fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form))});
		const b = new Uint8Array(await res.arrayBuffer());
		let s = ''; for (const x of b) s += String.fromCharCode(x);
		return res.status + ' ' + res.headers.get('content-type') + ' ' + btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(got, " ", 3)
	if len(parts) != 3 || parts[0] != "200" || parts[1] != "image/jpeg" {
		t.Fatalf("download answered %.80q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/foto"), chromedp.WaitVisible("#photo")); err != nil {
		t.Fatal(err)
	}
	if vs := browsertest.Axe(t, ctx); len(vs) > 0 {
		t.Errorf("upload page accessibility:%s", browsertest.FormatViolations(vs))
	}
	jpg, _ := base64.StdEncoding.DecodeString(parts[2])
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
	if err != nil || len(jpg) > photo.MaxCropBytes || cfg.Height < 709 || bytes.Contains(jpg, []byte("Exif\x00\x00")) {
		t.Errorf("downloaded JPEG: %d bytes, %dx%d, %v", len(jpg), cfg.Width, cfg.Height, err)
	}
}

func photoContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// decodeReceiptBarcode renders a PDF's first page at 300 dpi and reads its Code 128.
func decodeReceiptBarcode(t *testing.T, pdftoppm string, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "300", "-png", "-singlefile", in, filepath.Join(dir, "r")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "r.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("SPORTELLO_SCREENSHOTS"); d != "" {
		b, _ := os.ReadFile(filepath.Join(dir, "r.png"))
		_ = os.WriteFile(filepath.Join(d, "booth-receipt-pdf.png"), b, 0o644)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := oned.NewCode128Reader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("Code 128 unreadable: %v", err)
	}
	return res.GetText()
}

// TestBrowserBoothButton takes the manual path: the person stays too far, guidance does
// not lead to a photo, the button appears, a countdown runs, and the capture comes back
// refused with the reasons and a way to retake it; nothing is stored.
func TestBrowserBoothButton(t *testing.T) {
	a := apptest.New(t)
	token := provisionBooth(t, a, "Cabina 2")
	src := boothtest.Load(t, boothtest.CompliantPortrait())
	far := boothtest.Shrunk(src, 720, 960, 0.5)
	cam := filepath.Join(t.TempDir(), "far.y4m")
	if err := boothtest.WriteY4M(cam, 2, far, far); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, browsertest.Options{ExtraFlags: map[string]any{
		"use-fake-device-for-media-stream": true,
		"use-fake-ui-for-media-stream":     true,
		"use-file-for-fake-video-capture":  cam,
	}})
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/booth"),
		chromedp.WaitVisible("#token"),
		chromedp.SendKeys("#token", token),
		chromedp.Click("#pair-submit"),
		chromedp.WaitVisible("#booth-video"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById('booth').dataset.buttonAfter = '1500', true)`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#booth-shoot"), chromedp.Click("#booth-shoot"), chromedp.WaitVisible("#booth-count")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById('booth-review').hidden`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("no capture after the countdown: %v", err)
	}
	hints, err := chromedp.Run(ctx, chromedp.Text("#review-hints"))
	if err != nil {
		t.Fatal(err)
	}
	confirmHidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('booth-confirm').hidden`))
	if !confirmHidden || !strings.Contains(hints, "Si avvicini") {
		t.Fatalf("a too-far capture offered for confirmation (hints %q)", hints)
	}
	browsertest.Screenshot(t, ctx, "booth-refused")
	if err := chromedp.Do(ctx, chromedp.Click("#booth-retake"), chromedp.WaitVisible("#booth-video")); err != nil {
		t.Fatal(err)
	}
	counts, err := a.Store.PhotoCounts(context.Background())
	if err != nil || len(counts) != 0 {
		t.Errorf("photos stored: %v %v", counts, err)
	}
}
