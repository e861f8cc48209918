package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

type bookingSetupData struct {
	Offices  []*model.Office
	Office   *model.Office
	Settings booking.Settings
	Release  string
	Services []bookingServiceChoice
	Hours    []*model.OpeningHours
	Closures []booking.Closure
	Openings []booking.Opening
	// Pending says when citizens start seeing the hours and openings not yet released,
	// by their ids ("h"+id, "o"+id).
	Pending   map[string]*bookingRelease
	Error     string
	ErrorWhat string
	// Closing lists the bookings a closure being added would cancel, for the clerk to
	// confirm; Cancelled says how many the last closure cancelled.
	Closing   *bookingClosing
	Cancelled int
	MailOff   bool // no mail server: a closure's notices do not leave, everyone is phoned
}

// bookingRelease is a release instant as the setup page prints it.
type bookingRelease struct{ Clock, Day string }

type bookingServiceChoice struct {
	*booking.Service
	Offered bool
}

// bookingOfficeSetup shows an office's booking calendar rules: services, weekly hours,
// closures, exceptional openings and the window, hold and cap settings. Admins edit.
func (s *Server) bookingOfficeSetup(w http.ResponseWriter, r *http.Request) {
	s.renderSetup(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, what string, failure error) {
	s.renderSetupClosing(w, r, status, what, failure, nil)
}

func (s *Server) renderSetupClosing(w http.ResponseWriter, r *http.Request, status int, what string, failure error, closing *bookingClosing) {
	ctx := r.Context()
	o, err := s.Store.OfficeByCode(ctx, r.PathValue("office"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offices, err := s.Store.ListOffices(ctx, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.Store.BookingSettings(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := bookingSetupData{Offices: offices, Office: o, Settings: st, Release: model.ClockString(st.ReleaseMin), ErrorWhat: what, Closing: closing}
	d.Cancelled, _ = strconv.Atoi(r.URL.Query().Get("annullate"))
	if failure != nil {
		d.Error = bookingMsg(langOf(r), failure)
	}
	svcs, err := s.Store.BookingServices(ctx, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids, err := s.Store.OfficeServiceIDs(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sv := range svcs {
		c := bookingServiceChoice{Service: sv, Offered: len(ids) == 0}
		for _, id := range ids {
			c.Offered = c.Offered || id == sv.ID
		}
		d.Services = append(d.Services, c)
	}
	if d.Hours, err = s.Store.OpeningHours(ctx, o.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	today := booking.Midnight(s.Store.Now(), s.loc).Format(booking.DayFormat)
	if d.Closures, err = s.Store.Closures(ctx, o.ID, today, "9999-12-31"); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Openings, err = s.Store.Openings(ctx, o.ID, today, "9999-12-31"); err != nil {
		s.fail(w, r, err)
		return
	}
	vis, err := s.Store.OpeningHoursVisibleFrom(ctx, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Store.Now()
	d.Pending = map[string]*bookingRelease{}
	pending := func(k string, t time.Time) {
		if t.After(now) {
			l := t.In(s.loc)
			d.Pending[k] = &bookingRelease{Clock: l.Format("15:04"), Day: l.Format("02/01")}
		}
	}
	for id, t := range vis {
		pending("h"+itoa(id), t)
	}
	for _, op := range d.Openings {
		pending("o"+itoa(op.ID), op.VisibleFrom)
	}
	d.MailOff = !s.mailConfigured()
	s.render(w, r, status, "booking_office.html", d)
}

// bookingClock parses HH:MM into minutes from midnight.
func bookingClock(v string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, false
	}
	return hh*60 + mm, true
}

func bookingInt(f map[string][]string, k string) int {
	if v := f[k]; len(v) > 0 {
		n, _ := strconv.Atoi(strings.TrimSpace(v[0]))
		return n
	}
	return 0
}

var errBookingClock = model.FieldError("opens", "opening time must be before closing time")

// bookingOfficeChange applies one edit of the setup page.
func (s *Server) bookingOfficeChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := s.Store.OfficeByCode(ctx, r.PathValue("office"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	what := r.PathValue("what")
	var closing *bookingClosing
	cancelled := 0
	err = func() error {
		switch what {
		case "settings":
			rel, ok := bookingClock(f.Get("release"))
			if !ok {
				return model.FieldError("release_min", "release time must be within the day")
			}
			st := booking.Settings{OfficeID: o.ID, MinDays: bookingInt(f, "min_days"), MaxDays: bookingInt(f, "max_days"), ReleaseMin: rel,
				HoldMinutes: bookingInt(f, "hold_minutes"), HoldbackMinutes: bookingInt(f, "holdback_minutes"), MaxPerCF: bookingInt(f, "max_per_cf"),
				MaxPerEmail: bookingInt(f, "max_per_email"), ReminderHours: bookingInt(f, "reminder_hours"), Reconfirm: f.Get("reconfirm") == "1",
				ReconfirmDays: bookingInt(f, "reconfirm_days"), ReconfirmDeadlineHours: bookingInt(f, "reconfirm_deadline_hours")}
			if err := st.Validate(); err != nil {
				return err
			}
			return s.Store.SaveBookingSettings(ctx, st)
		case "services":
			var ids []int64
			for _, v := range f["service"] {
				if id, err := strconv.ParseInt(v, 10, 64); err == nil {
					ids = append(ids, id)
				}
			}
			return s.Store.SetOfficeServices(ctx, o.ID, ids)
		case "hours-add":
			opens, ok1 := bookingClock(f.Get("opens"))
			closes, ok2 := bookingClock(f.Get("closes"))
			if !ok1 || !ok2 {
				return errBookingClock
			}
			h := &model.OpeningHours{OfficeID: o.ID, Weekday: time.Weekday(bookingInt(f, "weekday")), OpensMin: opens, ClosesMin: closes, SlotMinutes: bookingInt(f, "slot_minutes"), Counters: bookingInt(f, "counters")}
			if err := h.Validate(); err != nil {
				return err
			}
			vis, err := s.Booking.NextRelease(ctx, o.ID)
			if err != nil {
				return err
			}
			return s.Store.AddOpeningHoursVisibleFrom(ctx, h, vis)
		case "hours-del":
			return s.Store.DeleteOpeningHours(ctx, o.ID, int64(bookingInt(f, "id")))
		case "closure-add":
			day, err := booking.ParseDay(f.Get("day"), s.loc)
			if err != nil {
				return model.FieldError("day", "date must be YYYY-MM-DD")
			}
			closing, err = s.closeDay(r, o, day, strings.TrimSpace(f.Get("note")), f["cancel"])
			if closing != nil && closing.Done {
				cancelled, closing = len(closing.Bookings), nil
			}
			return err
		case "closure-del":
			return s.Store.DeleteClosure(ctx, o.ID, int64(bookingInt(f, "id")))
		case "opening-add":
			opens, ok1 := bookingClock(f.Get("opens"))
			closes, ok2 := bookingClock(f.Get("closes"))
			if !ok1 || !ok2 {
				return errBookingClock
			}
			op := &booking.Opening{OfficeID: o.ID, Day: f.Get("day"), OpensMin: opens, ClosesMin: closes, SlotMinutes: bookingInt(f, "slot_minutes"), Counters: bookingInt(f, "counters"), Note: strings.TrimSpace(f.Get("note"))}
			if err := op.Validate(); err != nil {
				return err
			}
			if op.VisibleFrom, err = s.Booking.NextRelease(ctx, o.ID); err != nil {
				return err
			}
			return s.Store.AddOpening(ctx, op)
		case "opening-del":
			return s.Store.DeleteOpening(ctx, o.ID, int64(bookingInt(f, "id")))
		}
		return model.Errorf(model.ENOTFOUND, "page not found")
	}()
	if err != nil {
		s.renderSetupClosing(w, r, bookingHTTPStatus(err), what, err, closing)
		return
	}
	s.Booking.Invalidate(o.ID)
	if err := s.audit(r, "booking.setup", "office:"+itoa(o.ID), what); err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/op/prenotazioni/uffici/" + o.Code
	if cancelled > 0 {
		back += "?annullate=" + strconv.Itoa(cancelled)
	}
	http.Redirect(w, r, back+"#"+what, http.StatusSeeOther)
}

func (s *Server) bookingServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := s.Store.BookingServices(r.Context(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "booking_services.html", svcs)
}

func (s *Server) bookingServiceSave(w http.ResponseWriter, r *http.Request) {
	if err := bookingParseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f := r.PostForm
	v := &booking.Service{ID: id, NameIT: strings.TrimSpace(f.Get("name_it")), NameEN: strings.TrimSpace(f.Get("name_en")), Minutes: bookingInt(f, "minutes"), Active: f.Get("active") == "1"}
	if v.NameIT == "" || v.NameEN == "" || v.Minutes < 5 || v.Minutes > 480 {
		s.fail(w, r, model.FieldError("minutes", "a service needs both names and 5-480 minutes"))
		return
	}
	if err := s.Store.UpdateBookingService(r.Context(), v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Booking.InvalidateCatalog()
	if err := s.audit(r, "booking.service", "service:"+itoa(id), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/prenotazioni/servizi", http.StatusSeeOther)
}
