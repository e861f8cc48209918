package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
)

// bookingPersonInput is one household member's fields as typed.
type bookingPersonInput struct {
	Index               int
	Name, Surname, CF   string
	NameErr, SurnameErr string
	CFErr               string
}

// bookingFormData drives booking_form.html. Everything typed comes back on error.
type bookingFormData struct {
	Step     int
	Booking  *bookingView
	Token    string
	People   []bookingPersonInput
	Email    string
	Phone    string
	EmailErr string
	PhoneErr string
	Error    string
	// Lapsed: the hold ran out and its time was taken meanwhile; DayURL leads back to
	// the same office and day to choose another time.
	Lapsed bool
	DayURL string
	Times  []bookingTime
}

func (s *Server) bookingForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	b, err := s.Booking.HeldBooking(r.Context(), token)
	if errors.Is(err, engine.ErrHoldExpired) || (err == nil && (b.State != booking.StateHeld || !b.HoldExpires.After(s.Store.Now()))) {
		if old, lerr := s.Booking.LapsedHold(r.Context(), token); lerr == nil {
			s.lapsedForm(w, r, token, old)
			return
		}
		if err == nil {
			err = errBookingHoldGone
		}
	}
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	v, err := s.view(r.Context(), langOf(r), b, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	d := bookingFormData{Step: 4, Booking: v, Token: token}
	for i := 0; i < b.People; i++ {
		d.People = append(d.People, bookingPersonInput{Index: i})
	}
	s.render(w, r, http.StatusOK, "booking_form.html", d)
}

func (s *Server) bookingConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if err := bookingParseForm(w, r); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	ctx := r.Context()
	held, err := s.Booking.HeldBooking(ctx, token)
	if errors.Is(err, engine.ErrHoldExpired) {
		// The minutes ran out while the citizen typed: what they typed still comes back.
		held, err = s.Booking.LapsedHold(ctx, token)
	}
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	lang := langOf(r)
	v, err := s.view(ctx, lang, held, true)
	if err != nil {
		s.bookingFail(w, r, err)
		return
	}
	f := r.PostForm
	d := bookingFormData{Step: 4, Booking: v, Token: token, Email: f.Get("email"), Phone: f.Get("phone")}
	persons := make([]booking.Person, held.People)
	for i := range persons {
		n := strconv.Itoa(i)
		persons[i] = booking.Person{Name: f.Get("name_" + n), Surname: f.Get("surname_" + n), CF: f.Get("cf_" + n)}
		d.People = append(d.People, bookingPersonInput{Index: i, Name: persons[i].Name, Surname: persons[i].Surname, CF: persons[i].CF})
	}
	again := func(status int, errs ...error) {
		for _, err := range errs {
			d.mark(lang, err)
		}
		if d.Error == "" {
			d.Error = pick(lang, "Controlli i campi segnalati.", "Please check the fields marked below.")
		}
		s.render(w, r, status, "booking_form.html", d)
	}
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		again(http.StatusTooManyRequests, bookingTooMany(w))
		return
	}
	for _, p := range persons {
		if !bookingAllow(w, s.BookingLimits.CF, booking.CapKey(p.CF)) {
			again(http.StatusTooManyRequests, bookingTooMany(w))
			return
		}
	}
	contact := booking.Contact{Email: d.Email, Phone: d.Phone, Lang: lang}
	// Every wrong field is marked at once; the engine checks again when it confirms.
	if errs := booking.FormErrors(persons, contact); len(errs) > 0 {
		if held.State != booking.StateHeld || !held.HoldExpires.After(s.Store.Now()) {
			// Lapsed too: offer the day's times with the fields, not a stale "held until".
			if err := s.lapsedChoices(ctx, lang, &d, held, f.Get("inizio")); err != nil {
				s.bookingFail(w, r, err)
				return
			}
		}
		again(http.StatusUnprocessableEntity, errs...)
		return
	}
	b, err := s.Booking.Confirm(ctx, token, persons, contact)
	if errors.Is(err, engine.ErrHoldExpired) {
		b, err = s.confirmLapsed(r, &d, token, persons, contact)
	}
	if err != nil {
		again(bookingHTTPStatus(err), err)
		return
	}
	if err := s.bookingAudit(r, "booking.confirm", b.ID, ""); err != nil {
		s.bookingFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/prenota/gestisci/"+s.Booking.ManageToken(b)+"?fatto=1", http.StatusSeeOther)
}

// mark puts err next to its field, or above the form when it names none.
func (d *bookingFormData) mark(lang string, err error) {
	msg := bookingMsg(lang, err)
	switch field := bookingField(err); {
	case field == "email":
		d.EmailErr = msg
	case field == "phone":
		d.PhoneErr = msg
	case strings.HasPrefix(field, "cf_") || strings.HasPrefix(field, "name_") || strings.HasPrefix(field, "surname_"):
		d.setPersonErr(field, msg)
	default:
		d.Error = msg
	}
}

func (d *bookingFormData) setPersonErr(field, msg string) {
	var prefix string
	idx := -1
	for _, p := range []string{"cf_", "name_", "surname_"} {
		if rest, ok := strings.CutPrefix(field, p); ok {
			prefix = p
			idx, _ = strconv.Atoi(rest)
		}
	}
	if idx < 0 || idx >= len(d.People) {
		d.Error = msg
		return
	}
	switch prefix {
	case "cf_":
		d.People[idx].CFErr = msg
	case "name_":
		d.People[idx].NameErr = msg
	case "surname_":
		d.People[idx].SurnameErr = msg
	}
}
