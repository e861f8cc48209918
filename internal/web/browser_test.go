package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/model"
)

// TestBrowserLoginHome logs in through real Chromium, checks that Bootstrap Italia's
// stylesheet is really applied (a computed style, not just a link tag), switches to
// English, logs out, and runs axe-core on the login page.
func TestBrowserLoginHome(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	ctx := browsertest.New(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/login"),
		chromedp.WaitVisible("#username"),
	); err != nil {
		t.Fatal(err)
	}
	if vs := browsertest.Axe(t, ctx); len(vs) > 0 {
		t.Errorf("login page accessibility:%s", browsertest.FormatViolations(vs))
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#username", "alice"),
		chromedp.SendKeys("#password", pw),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
	); err != nil {
		t.Fatal(err)
	}
	who, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="whoami"]`))
	if err != nil || !strings.Contains(who, "alice (admin)") {
		t.Fatalf("whoami %q %v", who, err)
	}
	// Bootstrap Italia's primary button is #0066CC and its body font is Titillium Web;
	// without the stylesheet a button would be the browser's grey and the font serif.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('main .btn-primary')).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if bg != "rgb(0, 102, 204)" {
		t.Errorf("primary button background %q: Bootstrap Italia not applied", bg)
	}
	font, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).fontFamily`))
	if err != nil || !strings.Contains(font, "Titillium") {
		t.Errorf("body font %q %v", font, err)
	}
	browsertest.Screenshot(t, ctx, "spine-home")

	if err := chromedp.Do(ctx,
		chromedp.Click(`a[hreflang="en"]`),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
	); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="op-home"]`))
	if err != nil || !strings.HasPrefix(title, "Welcome") {
		t.Errorf("english home title %q %v", title, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`form[action="/logout"] button`),
		chromedp.WaitVisible("#username"),
	); err != nil {
		t.Fatal(err)
	}
}
