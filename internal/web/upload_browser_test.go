package web_test

import (
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
