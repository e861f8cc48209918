package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

type bookingDetailData struct {
	Booking  *bookingView
	Day      string
	DayLabel string
	Times    []bookingTime
	Error    string
	Flash    string
}

func (s *Server) clerkBooking(w http.ResponseWriter, r *http.Request) (*booking.Booking, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "no such booking"))
		return nil, false
	}
	b, err := s.Store.BookingByID(r.Context(), s.Store.Reader(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return b, true
}

// bookingDetail shows one booking in full (codici fiscali in clear, audited) with the
// clerk's actions; giorno=YYYY-MM-DD lists that day's free times for a move.
func (s *Server) bookingDetail(w http.ResponseWriter, r *http.Request) {
	s.renderDetail(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderDetail(w http.ResponseWriter, r *http.Request, status int, failure error, flash string) {
	b, ok := s.clerkBooking(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	v, err := s.view(r.Context(), lang, b, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, "booking.view", "booking:"+itoa(b.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	d := bookingDetailData{Booking: v, Flash: flash}
	if failure != nil {
		d.Error = bookingMsg(lang, failure)
	}
	if day, err := booking.ParseDay(r.FormValue("giorno"), s.loc); err == nil && b.State == booking.StateConfirmed {
		d.Day, d.DayLabel = day.Format(booking.DayFormat), engine.FormatDay(day, lang)
		days, err := s.Booking.Availability(r.Context(), engine.Query{OfficeID: b.OfficeID, ServiceID: b.ServiceID, People: b.People, Mode: b.Mode, From: day, To: day, Clerk: true})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, dd := range days {
			for _, t := range dd.Times {
				d.Times = append(d.Times, bookingTime{Value: t.In(s.loc).Format(time.RFC3339), Label: t.In(s.loc).Format("15:04")})
			}
		}
	}
	s.render(w, r, status, "booking_detail.html", d)
}

func (s *Server) bookingStatus(w http.ResponseWriter, r *http.Request) {
	b, ok := s.clerkBooking(w, r)
	if !ok {
		return
	}
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	u := userOf(r)
	if _, err := s.Booking.SetStatus(r.Context(), b.ID, r.PostForm.Get("state"), "user:"+u.Username); err != nil {
		s.renderDetail(w, r, bookingHTTPStatus(err), err, "")
		return
	}
	if err := s.audit(r, "booking.status", "booking:"+itoa(b.ID), r.PostForm.Get("state")); err != nil {
		s.fail(w, r, err)
		return
	}
	back := safeNext(r.PostForm.Get("back"))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) bookingClerkCancel(w http.ResponseWriter, r *http.Request) {
	b, ok := s.clerkBooking(w, r)
	if !ok {
		return
	}
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	// the reason goes to the citizen's e-mail (a closed counter, a wrong booking)
	reason := r.PostForm.Get("motivo")
	if _, err := s.Booking.CancelFor(r.Context(), b.ID, "user:"+userOf(r).Username, reason); err != nil {
		s.renderDetail(w, r, bookingHTTPStatus(err), err, "")
		return
	}
	if err := s.audit(r, "booking.cancel", "booking:"+itoa(b.ID), reason); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/prenotazione/"+itoa(b.ID), http.StatusSeeOther)
}

func (s *Server) bookingClerkMove(w http.ResponseWriter, r *http.Request) {
	b, ok := s.clerkBooking(w, r)
	if !ok {
		return
	}
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("inizio"))
	if err != nil {
		s.renderDetail(w, r, http.StatusUnprocessableEntity, model.FieldError("start", "choose a time"), "")
		return
	}
	if _, err := s.Booking.Move(r.Context(), b.ID, 0, start, "user:"+userOf(r).Username); err != nil {
		s.renderDetail(w, r, bookingHTTPStatus(err), err, "")
		return
	}
	if err := s.audit(r, "booking.move", "booking:"+itoa(b.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/prenotazione/"+itoa(b.ID), http.StatusSeeOther)
}

type bookingSearchData struct {
	CF       string
	Results  []*bookingView
	Searched bool
}

// bookingSearch finds bookings by codice fiscale or booking reference, for a citizen at
// the counter or on the phone.
func (s *Server) bookingSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("q")))
	d := bookingSearchData{CF: q}
	if q != "" {
		d.Searched = true
		var bs []*booking.Booking
		if len(q) == 8 {
			if b, err := s.Store.BookingByCode(r.Context(), q); err == nil {
				bs = append(bs, b)
			}
		} else {
			var err error
			if bs, err = s.Store.SearchBookingsByCF(r.Context(), q, 50); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		for _, b := range bs {
			v, err := s.view(r.Context(), langOf(r), b, false)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Results = append(d.Results, v)
		}
		if err := s.audit(r, "booking.search", "", booking.MaskCF(q)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "booking_search.html", d)
}

// bookingNewData drives the clerk's booking-on-behalf form.
type bookingNewData struct {
	Offices  []*model.Office
	Services []*booking.Service
	Office   string
	Service  string
	Day      string
	People   int
	Parallel bool
	Choice   []int
	Times    []bookingTime
	Form     bookingFormData
	Shown    bool
}

func (s *Server) newForm(r *http.Request, v map[string][]string) (*bookingNewData, error) {
	get := func(k string) string {
		if x := v[k]; len(x) > 0 {
			return x[0]
		}
		return ""
	}
	offices, err := s.Store.ListOffices(r.Context(), true)
	if err != nil {
		return nil, err
	}
	svcs, err := s.Store.BookingServices(r.Context(), true)
	if err != nil {
		return nil, err
	}
	q := readBookingCalQuery(v)
	d := &bookingNewData{Offices: offices, Services: svcs, Office: get("ufficio"), Service: get("servizio"), Day: get("giorno"), People: q.people, Parallel: q.parallel}
	for i := 1; i <= booking.MaxPeople; i++ {
		d.Choice = append(d.Choice, i)
	}
	for i := 0; i < d.People; i++ {
		n := strconv.Itoa(i)
		d.Form.People = append(d.Form.People, bookingPersonInput{Index: i, Name: get("name_" + n), Surname: get("surname_" + n), CF: get("cf_" + n)})
	}
	d.Form.Email, d.Form.Phone = get("email"), get("phone")
	o, err1 := s.Store.OfficeByCode(r.Context(), d.Office)
	svc, err2 := s.serviceByCode(r.Context(), d.Service)
	day, err3 := booking.ParseDay(d.Day, s.loc)
	if err1 != nil || err2 != nil || err3 != nil {
		return d, nil
	}
	d.Shown = true
	mode := booking.Consecutive
	if q.parallel {
		mode = booking.Parallel
	}
	days, err := s.Booking.Availability(r.Context(), engine.Query{OfficeID: o.ID, ServiceID: svc.ID, People: q.people, Mode: mode, From: day, To: day, Clerk: true})
	if err != nil {
		return nil, err
	}
	for _, dd := range days {
		for _, t := range dd.Times {
			val := t.In(s.loc).Format(time.RFC3339)
			d.Times = append(d.Times, bookingTime{Value: val, Label: t.In(s.loc).Format("15:04"), Checked: val == get("inizio")})
		}
	}
	return d, nil
}

func (s *Server) bookingNewForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.newForm(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_new.html", d)
}

// bookingNew books on behalf of a citizen at the counter or on the phone.
func (s *Server) bookingNew(w http.ResponseWriter, r *http.Request) {
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.newForm(r, r.PostForm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := langOf(r)
	fail := func(errs ...error) {
		for _, err := range errs {
			d.Form.mark(lang, err)
		}
		if d.Form.Error == "" {
			d.Form.Error = pick(lang, "Controlli i campi segnalati.", "Please check the fields marked below.")
		}
		s.render(w, r, bookingHTTPStatus(errs[0]), "booking_new.html", d)
	}
	o, err := s.Store.OfficeByCode(r.Context(), d.Office)
	if err != nil {
		fail(err)
		return
	}
	svc, err := s.serviceByCode(r.Context(), d.Service)
	if err != nil {
		fail(err)
		return
	}
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("inizio"))
	if err != nil {
		fail(model.FieldError("start", "choose a time"))
		return
	}
	persons := make([]booking.Person, len(d.Form.People))
	for i, p := range d.Form.People {
		persons[i] = booking.Person{Name: p.Name, Surname: p.Surname, CF: p.CF}
	}
	contact := booking.Contact{Email: d.Form.Email, Phone: d.Form.Phone, Lang: r.PostForm.Get("lingua"), OnBehalf: true}
	if errs := booking.FormErrors(persons, contact); len(errs) > 0 {
		fail(errs...)
		return
	}
	mode := booking.Consecutive
	if d.Parallel {
		mode = booking.Parallel
	}
	b, err := s.Booking.BookFor(r.Context(), engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: start, People: d.People, Mode: mode},
		persons, contact, "user:"+userOf(r).Username)
	if err != nil {
		fail(err)
		return
	}
	if err := s.audit(r, "booking.create", "booking:"+itoa(b.ID), "on behalf"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/prenotazione/"+itoa(b.ID), http.StatusSeeOther)
}
