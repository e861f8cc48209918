package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/model"
)

func axeClean(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if ctx.Value(noJSKey{}) != nil {
		return // axe needs JavaScript: the same pages are checked in the JavaScript run
	}
	if vs := browsertest.Axe(t, ctx); len(vs) > 0 {
		t.Errorf("%s accessibility:%s", page, browsertest.FormatViolations(vs))
	}
}

type noJSKey struct{}

// citizenFlow books through real Chromium, first with a wrong codice fiscale, and
// returns the booked day. With JavaScript it waits for the ALTCHA widget to solve its
// proof-of-work; without, the form goes through the no-JavaScript path.
func citizenFlow(t *testing.T, a *apptest.App, ctx context.Context, js bool, shot string) {
	t.Helper()
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			browsertest.Screenshot(t, ctx, shot+"-failed")
			page, _ := chromedp.Run(ctx, chromedp.Text("main"))
			t.Fatalf("%s: %v; page: %.600s", name, err, page)
		}
	}
	step("services", chromedp.Navigate(a.URL+"/prenota"), chromedp.WaitVisible(`[data-testid="services"]`))
	axeClean(t, ctx, "services")
	step("offices", chromedp.Click(`a[href="/prenota/servizio/cie-first"]`), chromedp.WaitVisible(`[data-testid="office-padova"]`))
	axeClean(t, ctx, "offices")
	step("calendar", chromedp.Click(`[data-testid="office-padova"]`), chromedp.WaitVisible(`[data-testid="calendar"]`))
	step("day", chromedp.Click(`a[data-day]`), chromedp.WaitVisible(`[data-testid="time-form"]`), chromedp.Click(`#t1`))
	if js {
		// The widget solves the proof-of-work in a worker and fills its hidden field.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(document.querySelector('input[name="altcha"]') && document.querySelector('input[name="altcha"]').value)`,
			chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			if ctx.Err() == nil {
				browsertest.Screenshot(t, ctx, shot+"-altcha")
			}
			t.Fatalf("altcha widget did not verify: %v", err)
		}
	}
	axeClean(t, ctx, "calendar")
	browsertest.Screenshot(t, ctx, shot+"-calendar")
	// On a loaded machine the first click can land while the ALTCHA widget is still
	// re-rendering and be swallowed; if the data form has not come in 20 s and the
	// server holds no slot (the click never reached it), submit the same form again the
	// way a second click would. A click that did reach a slow server is left to finish:
	// submitting again would spend the solved challenge twice and be refused.
	if err := chromedp.Do(ctx, chromedp.Click(`#hold-submit`)); err != nil {
		t.Fatalf("hold click: %v", err)
	}
	held := func() int {
		var n int
		if err := a.Store.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings WHERE state = 'held'`).Scan(&n); err != nil {
			t.Fatalf("count held: %v", err)
		}
		return n
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('#name_0')`, chromedp.WithPollingTimeout(20*time.Second))); err != nil && ctx.Err() == nil && held() == 0 {
		t.Logf("data form not shown after the first click (%v); submitting again", err)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(document.querySelector('#hold-submit') || {form: null}).form && document.querySelector('#hold-submit').form.requestSubmit(document.querySelector('#hold-submit'))`)); err != nil {
			t.Logf("resubmit: %v", err)
		}
	}
	step("hold", chromedp.WaitVisible(`#name_0`),
		chromedp.SendKeys(`#name_0`, "Mario"), chromedp.SendKeys(`#surname_0`, "Rossi"),
		chromedp.SendKeys(`#cf_0`, "RSSMRA80A01F205A"), chromedp.SendKeys(`#email`, "mario@example.it"), chromedp.SendKeys(`#phone`, "333 1234567"),
		chromedp.Click(`#confirm-submit`), chromedp.WaitVisible(`#cf_0-err`))
	kept, err := chromedp.Run(ctx, chromedp.AttributeValue(`#email`, "value"))
	if err != nil || kept.Value != "mario@example.it" {
		t.Fatalf("e-mail not kept after an error: %q %v", kept.Value, err)
	}
	axeClean(t, ctx, "data form with error")
	browsertest.Screenshot(t, ctx, shot+"-form-error")
	good := validCF(t, "RSSMRA80A01F205")
	fix := chromedp.SetValue(`#cf_0`, good)
	if !js { // SetValue needs JavaScript; type over the kept value instead
		fix = chromedp.SendKeys(`#cf_0`, kb.End+strings.Repeat(kb.Backspace, 20)+good)
	}
	step("confirm", fix, chromedp.Click(`#confirm-submit`), chromedp.WaitVisible(`[data-testid="booking-done"]`))
	axeClean(t, ctx, "confirmation")
	browsertest.Screenshot(t, ctx, shot+"-done")
	code, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="booking-code"]`))
	if err != nil || len(strings.TrimSpace(code)) != 8 {
		t.Fatalf("booking code %q %v", code, err)
	}
}

func TestBrowserBookingWithJavaScript(t *testing.T) {
	a := apptest.New(t)
	a.Web.Captcha.MaxNumber = 5_000 // the widget really solves it; a low difficulty keeps the test quick on a busy machine
	ctx := browsertest.New(t, browsertest.Options{Timeout: 5 * time.Minute})
	citizenFlow(t, a, ctx, true, "booking-js")
}

func TestBrowserBookingWithoutJavaScript(t *testing.T) {
	a := apptest.New(t)
	ctx := browsertest.New(t, browsertest.Options{DisableJavaScript: true, Timeout: 5 * time.Minute})
	ctx = context.WithValue(ctx, noJSKey{}, true)
	citizenFlow(t, a, ctx, false, "booking-nojs")
}

// TestBrowserClerkAgenda books for a citizen through the API-free clerk form, then
// opens the day's agenda and its printable version.
func TestBrowserClerkAgenda(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "clerk", model.RoleOperator)
	ctx := browsertest.New(t, browsertest.Options{Timeout: 3 * time.Minute})
	c := a.Client(t)
	day, _ := firstFree(t, c, a.URL, "/prenota/servizio/cie-first/ufficio/oglio")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/login"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "clerk"), chromedp.SendKeys("#password", pw), chromedp.Click("#login-submit"),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
		chromedp.Navigate(a.URL+"/op/prenotazioni/nuova?ufficio=oglio&servizio=cie-first&persone=1&giorno="+day),
		chromedp.WaitVisible(`#n0`), chromedp.Click(`#n0`),
		chromedp.SendKeys(`#name_0`, "Lucia"), chromedp.SendKeys(`#surname_0`, "Bianchi"), chromedp.SendKeys(`#cf_0`, validCF(t, "BNCLCU75D45F205")),
		chromedp.SendKeys(`#email`, "lucia@example.it"), chromedp.SendKeys(`#phone`, "02 7654321"),
		chromedp.Submit(`#n0`), chromedp.WaitVisible(`[data-testid="booking-code"]`),
	); err != nil {
		if ctx.Err() == nil {
			browsertest.Screenshot(t, ctx, "booking-clerk-failed")
		}
		t.Fatal(err)
	}
	axeClean(t, ctx, "booking detail")
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/op/prenotazioni?ufficio=oglio&giorno="+day), chromedp.WaitVisible(`[data-testid="agenda"]`)); err != nil {
		t.Fatal(err)
	}
	row, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="agenda-booking"]`))
	if err != nil || !strings.Contains(row, "Bianchi Lucia") {
		t.Fatalf("agenda row %q %v", row, err)
	}
	axeClean(t, ctx, "agenda")
	browsertest.Screenshot(t, ctx, "booking-agenda")
	if err := chromedp.Do(ctx, chromedp.Click(`[data-testid="print-link"]`), chromedp.WaitVisible(`[data-testid="agenda"]`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "booking-agenda-print")
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/op/prenotazioni/uffici/oglio"), chromedp.WaitVisible(`#settings`)); err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "office rules")
}
