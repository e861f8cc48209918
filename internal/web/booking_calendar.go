package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

func (s *Server) bookingStart(w http.ResponseWriter, r *http.Request) {
	svcs, err := s.Store.BookingServices(r.Context(), true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_start.html", struct {
		Step     int
		Services []*booking.Service
	}{1, svcs})
}

type bookingOfficesData struct {
	Step    int
	Service *booking.Service
	Offices []*model.Office
}

func (s *Server) bookingOffices(w http.ResponseWriter, r *http.Request) {
	svc, err := s.serviceByCode(r.Context(), r.PathValue("service"))
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	offices, err := s.officesFor(r.Context(), svc)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_offices.html", bookingOfficesData{Step: 2, Service: svc, Offices: offices})
}

// bookingCell is one day of the month grid.
type bookingCell struct {
	Day      int
	Date     string
	Label    string // full date for screen readers
	InMonth  bool
	Free     bool
	Selected bool
	URL      string
}

type bookingTime struct {
	Value   string
	Label   string
	Checked bool
}

// bookingCalendarData drives booking_calendar.html, for a new booking or for moving one.
type bookingCalendarData struct {
	Step         int
	Service      *booking.Service
	Office       *model.Office
	People       int
	Parallel     bool
	PeopleChoice []int
	MonthLabel   string
	PrevURL      string
	NextURL      string
	Weeks        [][]bookingCell
	Day          string
	DayLabel     string
	Times        []bookingTime
	NoFreeDays   bool
	WindowFrom   string
	WindowTo     string
	Error        string
	Action       string // where the time form posts
	Self         string // this page's path, for links
	Move         *bookingView
	Back         string
	Captcha      bool
}

// bookingCalQuery is what a calendar page shows: the chosen people, month and day.
type bookingCalQuery struct {
	people   int
	parallel bool
	month    string
	day      string
	chosen   string // a start time to keep checked after an error
}

func readBookingCalQuery(v url.Values) bookingCalQuery {
	q := bookingCalQuery{people: 1, month: v.Get("mese"), day: v.Get("giorno"), chosen: v.Get("inizio")}
	if n, err := strconv.Atoi(v.Get("persone")); err == nil && n >= 1 && n <= booking.MaxPeople {
		q.people = n
	}
	q.parallel = v.Get("modo") == string(booking.Parallel)
	return q
}

func (q bookingCalQuery) link(path, month, day string) string {
	v := url.Values{}
	v.Set("persone", strconv.Itoa(q.people))
	if q.parallel {
		v.Set("modo", string(booking.Parallel))
	}
	if month != "" {
		v.Set("mese", month)
	}
	if day != "" {
		v.Set("giorno", day)
	}
	return path + "?" + v.Encode()
}

var bookingMonthsIT = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// buildCalendar fills the month grid and, when a day is chosen, its free times.
func (s *Server) buildCalendar(r *http.Request, svc *booking.Service, o *model.Office, q bookingCalQuery, self string) (*bookingCalendarData, error) {
	lang := langOf(r)
	first, last, err := s.Booking.Window(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	d := &bookingCalendarData{Step: 3, Service: svc, Office: o, People: q.people, Parallel: q.parallel, Self: self,
		WindowFrom: engine.FormatDay(first, lang), WindowTo: engine.FormatDay(last, lang), Day: q.day, Captcha: s.Captcha != nil && !s.Captcha.Disabled}
	for i := 1; i <= booking.MaxPeople; i++ {
		d.PeopleChoice = append(d.PeopleChoice, i)
	}
	month, err := time.ParseInLocation("2006-01", q.month, s.loc)
	if err != nil {
		month = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, s.loc)
		if day, err := booking.ParseDay(q.day, s.loc); err == nil {
			month = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, s.loc)
		}
	}
	monthEnd := month.AddDate(0, 1, -1)
	mode := booking.Consecutive
	if q.parallel {
		mode = booking.Parallel
	}
	days, err := s.Booking.Availability(r.Context(), engine.Query{OfficeID: o.ID, ServiceID: svc.ID, People: q.people, Mode: mode, From: month, To: monthEnd})
	if err != nil {
		return nil, err
	}
	free := map[string]engine.Day{}
	for _, dd := range days {
		free[dd.Date.Format(booking.DayFormat)] = dd
	}
	d.NoFreeDays = len(days) == 0
	if lang == "en" {
		d.MonthLabel = month.Format("January 2006")
	} else {
		d.MonthLabel = bookingMonthsIT[month.Month()-1] + " " + strconv.Itoa(month.Year())
	}
	if month.After(first) {
		d.PrevURL = q.link(self, month.AddDate(0, -1, 0).Format("2006-01"), "")
	}
	if monthEnd.Before(last) {
		d.NextURL = q.link(self, month.AddDate(0, 1, 0).Format("2006-01"), "")
	}
	// Weeks start on Monday, as in Italian calendars.
	start := month.AddDate(0, 0, -((int(month.Weekday()) + 6) % 7))
	for wk := start; !wk.After(monthEnd); wk = wk.AddDate(0, 0, 7) {
		var row []bookingCell
		for i := 0; i < 7; i++ {
			day := wk.AddDate(0, 0, i)
			ds := day.Format(booking.DayFormat)
			_, ok := free[ds]
			c := bookingCell{Day: day.Day(), Date: ds, Label: engine.FormatDay(day, lang), InMonth: day.Month() == month.Month(), Free: ok, Selected: ds == q.day}
			if ok {
				c.URL = q.link(self, month.Format("2006-01"), ds) + "#orari"
			}
			row = append(row, c)
		}
		d.Weeks = append(d.Weeks, row)
	}
	if fd, ok := free[q.day]; ok {
		d.DayLabel = engine.FormatDay(fd.Date, lang)
		for _, t := range fd.Times {
			v := t.In(s.loc).Format(time.RFC3339)
			d.Times = append(d.Times, bookingTime{Value: v, Label: t.In(s.loc).Format("15:04"), Checked: v == q.chosen})
		}
	} else if q.day != "" {
		if day, err := booking.ParseDay(q.day, s.loc); err == nil {
			d.DayLabel = engine.FormatDay(day, lang)
		}
	}
	return d, nil
}

func (s *Server) bookingCalendar(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Read, clientIP(r)) {
		s.bookingFail(w, r, errBookingTooMany)
		return
	}
	svc, err := s.serviceByCode(r.Context(), r.PathValue("service"))
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	o, err := s.activeOffice(r.Context(), r.PathValue("office"))
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	d, err := s.buildCalendar(r, svc, o, readBookingCalQuery(r.URL.Query()), r.URL.Path)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	d.Action = "/prenota/trattieni"
	s.render(w, r, http.StatusOK, "booking_calendar.html", d)
}

// bookingHold takes the chosen time for a few minutes and sends the citizen on to the
// personal-data form. Errors re-show the calendar with the choice kept.
func (s *Server) bookingHold(w http.ResponseWriter, r *http.Request) {
	if err := bookingParseForm(w, r); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	f := r.PostForm
	svc, err := s.serviceByCode(r.Context(), f.Get("servizio"))
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	o, err := s.activeOffice(r.Context(), f.Get("ufficio"))
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	q := readBookingCalQuery(f)
	self := "/prenota/servizio/" + svc.Code + "/ufficio/" + o.Code
	again := func(status int, err error) {
		d, cerr := s.buildCalendar(r, svc, o, q, self)
		if cerr != nil {
			s.bookingFail(w, r, cerr)
			return
		}
		d.Action = "/prenota/trattieni"
		d.Error = bookingMsg(langOf(r), err)
		s.render(w, r, status, "booking_calendar.html", d)
	}
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		again(http.StatusTooManyRequests, bookingTooMany(w))
		return
	}
	if err := s.checkCaptcha(w, r); err != nil {
		again(bookingHTTPStatus(err), err)
		return
	}
	start, err := time.Parse(time.RFC3339, f.Get("inizio"))
	if err != nil {
		again(http.StatusUnprocessableEntity, model.FieldError("start", "choose a time"))
		return
	}
	mode := booking.Consecutive
	if q.parallel {
		mode = booking.Parallel
	}
	_, token, err := s.Booking.Hold(r.Context(), engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: start, People: q.people, Mode: mode}, langOf(r), "citizen")
	if err != nil {
		if engine.IsSlotTaken(err) {
			q.chosen = ""
		}
		again(bookingHTTPStatus(err), err)
		return
	}
	http.Redirect(w, r, "/prenota/dati/"+token, http.StatusSeeOther)
}

// checkCaptcha verifies the proof-of-work when the form carries the widget's field; a
// form without it comes from a browser without JavaScript and spends the small no-JS
// allowance instead (see BookingLimits).
func (s *Server) checkCaptcha(w http.ResponseWriter, r *http.Request) error {
	if s.Captcha == nil || s.Captcha.Disabled {
		return nil
	}
	if payload, ok := r.PostForm["altcha"]; ok {
		return s.Captcha.Verify(payload[0])
	}
	if !bookingAllow(w, s.BookingLimits.NoJS, clientIP(r)) || !bookingAllow(w, s.BookingLimits.NoJSAll, "all") {
		return bookingTooMany(w)
	}
	return nil
}
