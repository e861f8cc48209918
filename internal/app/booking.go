package app

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/captcha"
	"github.com/sportello/sportello/internal/web"
)

// wireBooking builds the booking engine on the app's mailer, the captcha and the limits, registers the jobs
// and schedules the minute sweep that returns expired holds and finished hold-backs
// and the daily erasure of past bookings' personal data.
func (a *App) wireBooking(ctx context.Context, d *web.Deps) error {
	loc, err := time.LoadLocation(d.Config.Location)
	if err != nil {
		return err
	}
	e := engine.New(d.Store, d.Queue, a.Mailer, d.Log, d.Key, loc, d.Config.BaseURL)
	e.Metrics = engine.NewMetrics(d.Registry)
	e.Holidays = booking.Holidays{Patron: patronDay(ctx, d)}
	e.Organizer = booking.ParseParty(d.Config.MailFrom)
	d.Booking = e
	d.Captcha = captcha.New(d.Key)
	d.BookingLimits = web.NewBookingLimits()
	a.every(time.Minute, engine.JobSweep)
	a.every(24*time.Hour, engine.JobPurge)
	return nil
}

// demoComune is the name the demo seed gives the comune; its offices are Milan's, so
// they close on Sant'Ambrogio unless --patron-day says otherwise.
const demoComune = "Comune di Milano"

// patronDay is the comune's patron saint's day: the flag, else Milan's for the demo.
func patronDay(ctx context.Context, d *web.Deps) string {
	if d.Config.PatronDay != "" {
		return d.Config.PatronDay
	}
	if name, err := d.Store.Setting(ctx, "comune_name"); err == nil && name == demoComune {
		return "12-07"
	}
	return ""
}
