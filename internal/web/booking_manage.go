package web

import (
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

var errBookingHoldGone = model.Errorf(model.ECONFLICT, "the time you chose was held for you only for a few minutes and has been released: please choose it again")

type bookingManageData struct {
	Step      int
	Booking   *bookingView
	Token     string
	Done      bool // just confirmed
	Cancelled bool // just cancelled
	Moved     bool
	Error     string
	MailOff   bool // no mail server: the page must not say an e-mail was sent
}

func (s *Server) bookingManage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	b, err := s.Booking.Managed(r.Context(), token)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	v, err := s.view(r.Context(), langOf(r), b, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "booking_manage.html", bookingManageData{Step: 5, Booking: v, Token: token, Done: q.Get("fatto") == "1", Moved: q.Get("spostata") == "1", MailOff: !s.mailConfigured()})
}

func (s *Server) bookingCancel(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.bookingFail(w, r, errBookingTooMany)
		return
	}
	b, err := s.Booking.Managed(r.Context(), token)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	b, err = s.Booking.Cancel(r.Context(), b.ID, b.Version, "citizen")
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	if err := s.bookingAudit(r, "booking.cancel", b.ID, ""); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	v, err := s.view(r.Context(), langOf(r), b, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_manage.html", bookingManageData{Step: 5, Booking: v, Cancelled: true, MailOff: !s.mailConfigured()})
}

func (s *Server) bookingReconfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.bookingFail(w, r, errBookingTooMany)
		return
	}
	b, err := s.Booking.Managed(r.Context(), token)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	if _, err := s.Booking.Reconfirm(r.Context(), b.ID, b.Version); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/prenota/gestisci/"+token, http.StatusSeeOther)
}

// bookingMoveForm shows the calendar of the booking's office and service to pick a new
// time; the household size and mode stay as booked.
func (s *Server) bookingMoveForm(w http.ResponseWriter, r *http.Request) {
	s.moveCalendar(w, r, http.StatusOK, nil)
}

func (s *Server) moveCalendar(w http.ResponseWriter, r *http.Request, status int, failure error) {
	token := r.PathValue("token")
	if !bookingAllow(w, s.BookingLimits.Read, clientIP(r)) {
		s.bookingFail(w, r, errBookingTooMany)
		return
	}
	b, err := s.Booking.Managed(r.Context(), token)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	if b.State != booking.StateConfirmed {
		s.bookingFail(w, r, model.Errorf(model.ECONFLICT, "this booking is no longer active"))
		return
	}
	v, err := s.view(r.Context(), langOf(r), b, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	svc, err := s.serviceByCodeOrID(r, b.ServiceID)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	vals := r.URL.Query()
	if r.Method == http.MethodPost {
		vals = r.PostForm
	}
	q := readBookingCalQuery(vals)
	q.people, q.parallel = b.People, b.Mode == booking.Parallel
	self := "/prenota/gestisci/" + token + "/sposta"
	d, err := s.buildCalendar(r, svc, v.Office, q, self)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	d.Action, d.Move, d.Captcha, d.Back = self, v, false, "/prenota/gestisci/"+token
	if failure != nil {
		d.Error = bookingMsg(langOf(r), failure)
	}
	s.render(w, r, status, "booking_calendar.html", d)
}

func (s *Server) serviceByCodeOrID(r *http.Request, id int64) (*booking.Service, error) {
	svcs, err := s.Booking.Services(r.Context())
	if err != nil {
		return nil, err
	}
	for _, sv := range svcs {
		if sv.ID == id {
			return sv, nil
		}
	}
	return nil, model.ErrNotFound
}

func (s *Server) bookingMove(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if err := bookingParseForm(w, r); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.moveCalendar(w, r, http.StatusTooManyRequests, errBookingTooMany)
		return
	}
	b, err := s.Booking.Managed(r.Context(), token)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("inizio"))
	if err != nil {
		s.moveCalendar(w, r, http.StatusUnprocessableEntity, model.FieldError("start", "choose a time"))
		return
	}
	b, err = s.Booking.Move(r.Context(), b.ID, b.Version, start, "citizen")
	if err != nil {
		s.moveCalendar(w, r, bookingHTTPStatus(err), err)
		return
	}
	if err := s.bookingAudit(r, "booking.move", b.ID, ""); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/prenota/gestisci/"+s.Booking.ManageToken(b)+"?spostata=1", http.StatusSeeOther)
}
