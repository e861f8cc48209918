package web

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/captcha"
	"github.com/sportello/sportello/internal/ratelimit"
)

// BookingDeps is what the booking pages need; filled by app.wireBooking.
type BookingDeps struct {
	Booking       *engine.Engine
	Captcha       *captcha.Service
	BookingLimits *BookingLimits

	bookingBodies    *sync.Map // encoded availability answers, see apiBookingAvailability
	bookingBodyCount *atomic.Int64
}

// BookingLimits are the booking surface's throttles (PRODUCT.md §4: about 60 requests
// a minute per client). They are pointers so a load test can raise them: every client
// of a benchmark shares one loopback address.
type BookingLimits struct {
	Write *ratelimit.Limiter // per client address: holds, confirmations, changes
	Read  *ratelimit.Limiter // per client address: calendars and availability
	CF    *ratelimit.Limiter // per codice fiscale: confirmations, against probing
	// Holds without the proof-of-work (a browser without JavaScript) get a much smaller
	// allowance per address and a shared budget, so leaving out the captcha is never the
	// cheaper path for a bot, while a citizen without JavaScript can still book.
	NoJS    *ratelimit.Limiter
	NoJSAll *ratelimit.Limiter
}

// NewBookingLimits returns the production limits.
func NewBookingLimits() *BookingLimits {
	return &BookingLimits{
		Write:   ratelimit.New(60, time.Minute),
		Read:    ratelimit.New(600, time.Minute),
		CF:      ratelimit.New(10, time.Hour),
		NoJS:    ratelimit.New(3, time.Hour),
		NoJSAll: ratelimit.New(60, time.Hour),
	}
}

// bookingRoutes adds the booking pages and API to the route table.
func (s *Server) bookingRoutes(mux *http.ServeMux) {
	if s.Booking == nil {
		return
	}
	if s.BookingLimits == nil {
		s.BookingLimits = NewBookingLimits()
	}
	s.bookingBodies, s.bookingBodyCount = &sync.Map{}, &atomic.Int64{}
	// Citizen pages: no login (PNRR rule), each step a plain GET or POST form.
	mux.HandleFunc("GET /prenota", s.bookingStart)
	mux.HandleFunc("GET /prenota/servizio/{service}", s.bookingOffices)
	mux.HandleFunc("GET /prenota/servizio/{service}/ufficio/{office}", s.bookingCalendar)
	mux.HandleFunc("POST /prenota/trattieni", s.bookingHold)
	mux.HandleFunc("GET /prenota/dati/{token}", s.bookingForm)
	mux.HandleFunc("POST /prenota/dati/{token}", s.bookingConfirm)
	mux.HandleFunc("GET /prenota/gestisci/{token}", s.bookingManage)
	mux.HandleFunc("POST /prenota/gestisci/{token}/annulla", s.bookingCancel)
	mux.HandleFunc("POST /prenota/gestisci/{token}/conferma", s.bookingReconfirm)
	mux.HandleFunc("GET /prenota/gestisci/{token}/sposta", s.bookingMoveForm)
	mux.HandleFunc("POST /prenota/gestisci/{token}/sposta", s.bookingMove)

	// Clerk pages.
	mux.Handle("GET /op/prenotazioni", s.requireRole("", s.bookingAgenda))
	mux.Handle("GET /op/prenotazioni/cerca", s.requireRole("", s.bookingSearch))
	mux.Handle("GET /op/prenotazioni/nuova", s.requireRole("", s.bookingNewForm))
	mux.Handle("POST /op/prenotazioni/nuova", s.requireRole("", s.bookingNew))
	mux.Handle("GET /op/prenotazione/{id}", s.requireRole("", s.bookingDetail))
	mux.Handle("POST /op/prenotazione/{id}/stato", s.requireRole("", s.bookingStatus))
	mux.Handle("POST /op/prenotazione/{id}/annulla", s.requireRole("", s.bookingClerkCancel))
	mux.Handle("POST /op/prenotazione/{id}/sposta", s.requireRole("", s.bookingClerkMove))
	mux.Handle("GET /op/prenotazioni/uffici/{office}", s.requireRole("", s.bookingOfficeSetup))
	mux.Handle("POST /op/prenotazioni/uffici/{office}/{what}", s.requireRole("admin", s.bookingOfficeChange))
	mux.Handle("GET /op/prenotazioni/servizi", s.requireRole("", s.bookingServices))
	mux.Handle("POST /op/prenotazioni/servizi/{id}", s.requireRole("admin", s.bookingServiceSave))

	// JSON API for a comune's website or app.
	mux.HandleFunc("GET /api/v1/booking/services", s.apiBookingServices)
	mux.HandleFunc("GET /api/v1/booking/availability", s.apiBookingAvailability)
	mux.HandleFunc("GET /api/v1/booking/captcha", s.apiBookingCaptcha)
	mux.HandleFunc("POST /api/v1/booking/holds", s.apiBookingHold)
	mux.HandleFunc("POST /api/v1/booking/holds/{token}/confirm", s.apiBookingConfirm)
	mux.HandleFunc("GET /api/v1/booking/bookings/{token}", s.apiBookingGet)
	mux.HandleFunc("POST /api/v1/booking/bookings/{token}/cancel", s.apiBookingCancel)
	mux.HandleFunc("POST /api/v1/booking/bookings/{token}/move", s.apiBookingMove)
}

// bookingAllow spends one token of l for key, writes the X-RateLimit-* headers and reports
// whether the request may go on.
func bookingAllow(w http.ResponseWriter, l *ratelimit.Limiter, key string) bool {
	res := l.Allow(key)
	res.SetHeaders(w.Header())
	return res.Allowed
}
