package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

var errHoldLapsed = model.Errorf(model.ECONFLICT, "the minutes to fill in the form ran out: fill in your data and confirm; the same time is taken again if it is still free, otherwise choose another below")

var errHoldTakenMeanwhile = model.Errorf(model.ECONFLICT, "the minutes to fill in the form ran out and meanwhile someone else booked this time: your data is kept below, choose another time and confirm again")

// confirmLapsed handles a submit whose hold ran out. The same time (or the one picked
// among the day's free times shown after a first lapse) is held again if it is free,
// and the booking confirmed at once; otherwise the form comes back with everything
// typed, the day's free times and a link to the office's calendar on that day.
func (s *Server) confirmLapsed(r *http.Request, d *bookingFormData, token string, persons []booking.Person, c booking.Contact) (*booking.Booking, error) {
	ctx := r.Context()
	lang := langOf(r)
	old, err := s.Booking.LapsedHold(ctx, token)
	if err != nil {
		return nil, err
	}
	var start time.Time
	if v := r.PostForm.Get("inizio"); v != "" {
		if start, err = time.Parse(time.RFC3339, v); err != nil {
			return nil, model.FieldError("start", "choose a time")
		}
	}
	nb, ntoken, err := s.Booking.Rehold(ctx, old, start)
	if err != nil {
		if derr := s.lapsedChoices(ctx, lang, d, old, r.PostForm.Get("inizio")); derr != nil {
			return nil, derr
		}
		if engine.IsSlotTaken(err) {
			return nil, errHoldTakenMeanwhile
		}
		return nil, err
	}
	d.Token = ntoken
	if v, verr := s.view(ctx, lang, nb, true); verr == nil {
		d.Booking = v
	}
	return s.Booking.Confirm(ctx, ntoken, persons, c)
}

// lapsedForm is the data form reopened after its hold ran out (a reload, a link
// followed later): empty fields, the day's free times with the original one checked if
// still free, and the confirm button re-holds as bookingConfirm does.
func (s *Server) lapsedForm(w http.ResponseWriter, r *http.Request, token string, old *booking.Booking) {
	ctx := r.Context()
	lang := langOf(r)
	v, err := s.view(ctx, lang, old, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	d := bookingFormData{Step: 4, Booking: v, Token: token, Error: bookingMsg(lang, errHoldLapsed)}
	for i := 0; i < old.People; i++ {
		d.People = append(d.People, bookingPersonInput{Index: i})
	}
	if err := s.lapsedChoices(ctx, lang, &d, old, ""); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_form.html", d)
}

// lapsedChoices fills the form's way on after a lapsed hold lost its time: the free
// times of the same day (chosen in the form itself, so nothing typed is lost) and the
// link to the same office and day in the calendar.
func (s *Server) lapsedChoices(ctx context.Context, lang string, d *bookingFormData, old *booking.Booking, chosen string) error {
	d.Lapsed, d.Times = true, nil
	if chosen == "" {
		chosen = old.Start.In(s.loc).Format(time.RFC3339)
	}
	svcs, err := s.Booking.Services(ctx)
	if err != nil {
		return err
	}
	var code string
	for _, sv := range svcs {
		if sv.ID == old.ServiceID {
			code = sv.Code
		}
	}
	day := booking.Midnight(old.Start, s.loc)
	q := url.Values{"persone": {strconv.Itoa(old.People)}, "mese": {day.Format("2006-01")}, "giorno": {day.Format(booking.DayFormat)}}
	if old.Mode == booking.Parallel {
		q.Set("modo", string(booking.Parallel))
	}
	if d.Booking != nil && d.Booking.Office != nil && code != "" {
		d.DayURL = "/prenota/servizio/" + code + "/ufficio/" + d.Booking.Office.Code + "?" + q.Encode() + "#orari"
	}
	days, err := s.Booking.Availability(ctx, engine.Query{OfficeID: old.OfficeID, ServiceID: old.ServiceID, People: old.People, Mode: old.Mode, From: day, To: day})
	if err != nil {
		return err
	}
	for _, dd := range days {
		for _, t := range dd.Times {
			v := t.In(s.loc).Format(time.RFC3339)
			d.Times = append(d.Times, bookingTime{Value: v, Label: t.In(s.loc).Format("15:04"), Checked: v == chosen})
		}
	}
	return nil
}
