package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/browsertest"
	"github.com/sportello/sportello/internal/model"
)

// TestBrowserBookingFormRecovery walks, in real Chromium with the axe check, the pages
// this file's HTTP tests cover: every wrong field marked at once, a lapsed hold whose
// time was taken (the day's other times offered in the form, all values kept), and the
// clerk's confirmation before a closure cancels bookings.
func TestBrowserBookingFormRecovery(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	ctx := browsertest.New(t, browsertest.Options{Timeout: 4 * time.Minute})
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			if ctx.Err() == nil {
				browsertest.Screenshot(t, ctx, "booking-recovery-failed")
			}
			page, _ := chromedp.Run(ctx, chromedp.Text("main"))
			t.Fatalf("%s: %v; page: %.800s", name, err, page)
		}
	}
	day, times := freeTimes(t, a, "padova")
	held, form := citizenHold(t, a, "padova", times[1])
	do("data form", chromedp.Navigate(a.URL+form), chromedp.WaitVisible(`#name_0`),
		chromedp.SendKeys(`#name_0`, "Mario"), chromedp.SendKeys(`#cf_0`, "RSSMRA80A01F205A"),
		chromedp.SendKeys(`#email`, "mario@"), chromedp.SendKeys(`#phone`, "12"),
		chromedp.Click(`#confirm-submit`), chromedp.WaitVisible(`#cf_0-err`))
	for _, id := range []string{"surname_0", "cf_0", "email", "phone"} {
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(`#`+id, "aria-invalid"))
		if err != nil || v.Value != "true" {
			t.Errorf("%s not marked invalid: %q %v", id, v.Value, err)
		}
	}
	axeClean(t, ctx, "data form with every error")
	browsertest.Screenshot(t, ctx, "booking-form-all-errors")

	// The hold runs out and someone takes the time; the citizen fixes the fields and
	// submits.
	lapse(t, a, held.ID)
	o, _ := a.Web.Booking.ActiveOffice(context.Background(), "padova")
	svc, _ := a.Web.Booking.ServiceByCode(context.Background(), "cie-first")
	for i := 0; i < 20; i++ {
		if _, _, err := a.Web.Booking.Hold(context.Background(), engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: times[1], People: 1}, "it", "citizen"); err != nil {
			break
		}
	}
	do("fix and submit after the lapse", chromedp.SetValue(`#surname_0`, "Rossi"), chromedp.SetValue(`#cf_0`, validCF(t, "RSSMRA80A01F205")),
		chromedp.SetValue(`#email`, "mario@example.it"), chromedp.SetValue(`#phone`, "333 1234567"),
		chromedp.Click(`#confirm-submit`), chromedp.WaitVisible(`[data-testid="lapsed-times"]`))
	kept, err := chromedp.Run(ctx, chromedp.AttributeValue(`#email`, "value"))
	if err != nil || kept.Value != "mario@example.it" {
		t.Fatalf("e-mail not kept after the lapse: %q %v", kept.Value, err)
	}
	axeClean(t, ctx, "lapsed hold form")
	browsertest.Screenshot(t, ctx, "booking-form-lapsed")
	do("another time of the day", chromedp.Click(`#lt0`), chromedp.Click(`#confirm-submit`), chromedp.WaitVisible(`[data-testid="booking-done"]`))

	// The clerk closes that day: the bookings are listed and need an explicit confirmation.
	do("login", chromedp.Navigate(a.URL+"/login"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "alice"), chromedp.SendKeys("#password", pw), chromedp.Click("#login-submit"),
		chromedp.WaitVisible(`[data-testid="op-home"]`),
		chromedp.Navigate(a.URL+"/op/prenotazioni/uffici/padova"), chromedp.WaitVisible(`#c-day`),
		chromedp.SetValue(`#c-day`, day), chromedp.SendKeys(`#c-note`, "sciopero"),
		chromedp.Submit(`#c-day`), chromedp.WaitVisible(`[data-testid="closure-confirm"]`))
	axeClean(t, ctx, "closure confirmation")
	browsertest.Screenshot(t, ctx, "booking-closure-confirm")
	label, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="closure-confirm"]`))
	if err != nil || !strings.Contains(label, "annulla questa prenotazione") {
		t.Fatalf("confirm button %q %v", label, err)
	}
	do("confirm the closure", chromedp.Click(`[data-testid="closure-confirm"]`), chromedp.WaitVisible(`[data-testid="closure-done"]`))
	active, err := a.Store.BookingsBetween(context.Background(), o.ID, times[0].Add(-12*time.Hour), times[0].Add(12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range active {
		if b.State == booking.StateConfirmed || b.State == booking.StateHeld {
			t.Errorf("booking %s still %s on the closed day", b.Code, b.State)
		}
	}
}
