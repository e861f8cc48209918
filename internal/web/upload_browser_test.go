package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/browsertest"
)

// TestBrowserUpload uploads a non-compliant and then a compliant portrait through the
// plain form in Chromium with JavaScript off: the first comes back explained, the second
// with a code and the receipt button.
func TestBrowserUpload(t *testing.T) {
	a := apptest.New(t)
	ctx := browsertest.New(t, browsertest.Options{DisableJavaScript: true})

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/foto"),
		chromedp.WaitVisible("#photo"),
		chromedp.SetUploadFiles("#photo", []string{boothtest.NonCompliantPortrait()}),
		chromedp.Click("#upload-submit"),
		chromedp.WaitVisible(`[data-testid="upload-error"]`),
	); err != nil {
		t.Fatal(err)
	}
	checks, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="checks"]`))
	if err != nil || !strings.Contains(checks, "Tolga gli occhiali scuri") {
		t.Errorf("verdict %q %v", checks, err)
	}
	browsertest.Screenshot(t, ctx, "upload-refused") // axe needs JavaScript: it runs on this page in TestBrowserBoothToDesk

	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles("#photo", []string{boothtest.CompliantPortrait()}),
		chromedp.Click("#upload-submit"),
		chromedp.WaitVisible(`[data-testid="upload-code"]`),
		chromedp.WaitVisible(`[data-testid="receipt-a6"]`),
	); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="upload-code"]`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := booth.ParseCode(shown); err != nil {
		t.Errorf("page shows %q: %v", shown, err)
	}
	browsertest.Screenshot(t, ctx, "upload-ok")
}

// TestBrowserUploadCamera: with JavaScript and a camera, the upload page takes the photo
// itself and sends it through the same form.
func TestBrowserUploadCamera(t *testing.T) {
	a := apptest.New(t)
	src := boothtest.Load(t, boothtest.CompliantPortrait())
	near := boothtest.Resize(src, 720, 960)
	cam := filepath.Join(t.TempDir(), "near.y4m")
	if err := boothtest.WriteY4M(cam, 2, near, near); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, browsertest.Options{ExtraFlags: map[string]any{
		"use-fake-device-for-media-stream": true,
		"use-fake-ui-for-media-stream":     true,
		"use-file-for-fake-video-capture":  cam,
	}})
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/foto"),
		chromedp.WaitVisible("#camera-open"),
		chromedp.Click("#camera-open"),
		chromedp.WaitVisible("#camera-shoot"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('camera-video').videoWidth > 0`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click("#camera-shoot"),
		chromedp.WaitNotVisible("#camera-box"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('photo').files.length === 1`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#upload-submit"), chromedp.WaitVisible(`[data-testid="upload-code"]`)); err != nil {
		checks, _ := chromedp.Run(ctx, chromedp.Text("main"))
		t.Fatalf("camera upload: %v; page: %.600s", err, checks)
	}
	browsertest.Screenshot(t, ctx, "upload-camera-ok")
}
