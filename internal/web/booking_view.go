package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

// bookingView is a booking ready for a template: times in the comune's zone, labels in
// the page's language.
type bookingView struct {
	ID              int64
	Code            string
	State           string
	StateLabel      string
	Service         string
	Office          *model.Office
	Day, Time, End  string
	Start           time.Time
	People          int
	Parallel        bool
	Persons         []booking.Person
	Email, Phone    string
	ReconfirmNeeded bool
	Reconfirmed     bool
	CreatedBy       string
	Counter         int
	Active          bool
	CanMark         bool
	HoldUntil       string
}

func bookingStateLabel(lang, state string) string {
	it, en := map[string]string{
		booking.StateHeld: "in attesa di dati", booking.StateConfirmed: "confermata", booking.StateCancelled: "annullata",
		booking.StateExpired: "scaduta", booking.StateArrived: "presente", booking.StateNoShow: "assente", booking.StateDone: "completata",
	}, map[string]string{
		booking.StateHeld: "awaiting data", booking.StateConfirmed: "confirmed", booking.StateCancelled: "cancelled",
		booking.StateExpired: "expired", booking.StateArrived: "arrived", booking.StateNoShow: "no-show", booking.StateDone: "done",
	}
	if lang == "en" {
		return en[state]
	}
	return it[state]
}

// view builds a bookingView; maskCF hides most of each codice fiscale (citizen pages
// reached through a link that may have been forwarded).
func (s *Server) view(ctx context.Context, lang string, b *booking.Booking, maskCF bool) (*bookingView, error) {
	o, err := s.Booking.Office(ctx, b.OfficeID)
	if err != nil {
		return nil, err
	}
	svcs, err := s.Booking.Services(ctx)
	if err != nil {
		return nil, err
	}
	v := &bookingView{ID: b.ID, Code: b.Code, State: b.State, StateLabel: bookingStateLabel(lang, b.State), Office: o,
		Start: b.Start.In(s.loc), Day: engine.FormatDay(b.Start.In(s.loc), lang), Time: b.Start.In(s.loc).Format("15:04"),
		End: b.End.In(s.loc).Format("15:04"), People: b.People, Parallel: b.Mode == booking.Parallel, Email: b.Email, Phone: b.Phone,
		ReconfirmNeeded: b.ReconfirmRequired && b.ReconfirmedAt.IsZero() && b.State == booking.StateConfirmed,
		Reconfirmed:     !b.ReconfirmedAt.IsZero(), CreatedBy: b.CreatedBy,
		Active:  b.State == booking.StateConfirmed || b.State == booking.StateHeld,
		CanMark: b.State == booking.StateConfirmed || b.State == booking.StateArrived || b.State == booking.StateNoShow || b.State == booking.StateDone}
	if !b.HoldExpires.IsZero() {
		v.HoldUntil = b.HoldExpires.In(s.loc).Format("15:04")
	}
	for _, sv := range svcs {
		if sv.ID == b.ServiceID {
			v.Service = sv.Name(lang)
		}
	}
	for _, p := range b.Persons {
		if maskCF {
			p.CF = booking.MaskCF(p.CF)
		}
		v.Persons = append(v.Persons, p)
	}
	if maskCF {
		v.Email = bookingMaskEmail(v.Email)
	}
	return v, nil
}

func bookingMaskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 1 {
		return e
	}
	return e[:1] + strings.Repeat("•", max(1, at-1)) + e[at:]
}

// serviceByCode finds an active service.
func (s *Server) serviceByCode(ctx context.Context, code string) (*booking.Service, error) {
	return s.Booking.ServiceByCode(ctx, code)
}

// officesFor lists the active offices that offer a service.
func (s *Server) officesFor(ctx context.Context, svc *booking.Service) ([]*model.Office, error) {
	all, err := s.Store.ListOffices(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []*model.Office
	for _, o := range all {
		ids, err := s.Store.OfficeServiceIDs(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		ok := len(ids) == 0
		for _, id := range ids {
			ok = ok || id == svc.ID
		}
		if ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// activeOffice finds an active office by code.
func (s *Server) activeOffice(ctx context.Context, code string) (*model.Office, error) {
	return s.Booking.ActiveOffice(ctx, code)
}

// bookingHTTPStatus is the HTTP status of a form re-rendered because of err.
func bookingHTTPStatus(err error) int { return statusOf(model.ErrorCode(err)) }

// bookingParseForm reads a small urlencoded form.
func bookingParseForm(w http.ResponseWriter, r *http.Request) error {
	limitBody(w, r, 32<<10)
	if err := r.ParseForm(); err != nil {
		return model.Errorf(model.EINVALID, "bad form")
	}
	return nil
}
