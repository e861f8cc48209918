package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

// bookingClosing is a closure waiting for the clerk's word: the confirmed bookings it
// would cancel, each citizen notified, and the campaign proposals awaiting an answer
// on the day (Campaign), which it would take back for the re-plan.
type bookingClosing struct {
	Day, Note, DayLabel string
	Bookings            []*bookingView
	Campaign            int
	Done                bool
}

var errClosureHasBookings = model.Errorf(model.ECONFLICT, "this day has confirmed bookings: the day is closed only after you confirm below that they are cancelled and the citizens notified")

var errClosureHasProposals = model.Errorf(model.ECONFLICT, "this day has campaign proposals awaiting an answer: the day is closed only after you confirm below that they are withdrawn and re-planned")

// closeDay closes office o on day. A day with confirmed bookings is closed only when the
// form names exactly those bookings (the clerk saw the list and confirmed); then each
// is cancelled through the engine, which e-mails the citizen, and audited. Without
// that, it returns the list and errClosureHasBookings, and nothing changes. Likewise
// campaign proposals awaiting an answer on the day: the form must repeat their number
// (field campaign), or errClosureHasProposals. Once closed, the campaign follows at
// once (outreach.CloseDay), not at the next hourly sync: confirmed citizens whose
// booking was cancelled and those whose proposal offered the day go back for the
// re-plan, and their links stop saying "confirmed" or offering the day.
func (s *Server) closeDay(r *http.Request, o *model.Office, day time.Time, note string, confirmed []string) (*bookingClosing, error) {
	ctx := r.Context()
	lang := langOf(r)
	c := &bookingClosing{Day: day.Format(booking.DayFormat), Note: note, DayLabel: engine.FormatDay(day, lang)}
	active, err := s.dayActive(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	for _, b := range active {
		if b.State != booking.StateConfirmed {
			continue
		}
		v, err := s.view(ctx, lang, b, false)
		if err != nil {
			return nil, err
		}
		c.Bookings = append(c.Bookings, v)
	}
	if s.Campaign != nil {
		if c.Campaign, err = s.Campaign.PendingOn(ctx, o.ID, c.Day); err != nil {
			return nil, err
		}
	}
	if len(c.Bookings) > 0 && !sameBookings(confirmed, c.Bookings) {
		return c, errClosureHasBookings
	}
	if c.Campaign > 0 && r.PostForm.Get("campaign") != strconv.Itoa(c.Campaign) {
		return c, errClosureHasProposals
	}
	err = s.Store.AddClosure(ctx, &booking.Closure{OfficeID: o.ID, Day: c.Day, Note: note})
	if err != nil && !(errors.Is(err, model.ErrConflict) && (len(active) > 0 || c.Campaign > 0)) {
		return nil, err // a day already closed with bookings or proposals left goes on to end them
	}
	s.Booking.Invalidate(o.ID)
	// Read again: a booking made while the clerk read the list is on a closed day too.
	if active, err = s.dayActive(ctx, o.ID, day); err != nil {
		return nil, err
	}
	by := "user:" + userOf(r).Username
	for _, b := range active {
		if _, err := s.Booking.Cancel(ctx, b.ID, 0, by); err != nil {
			if model.ErrorCode(err) == model.ECONFLICT {
				continue // cancelled or expired meanwhile
			}
			return nil, err
		}
		if err := s.audit(r, "booking.cancel", "booking:"+itoa(b.ID), "closure "+c.Day); err != nil {
			return nil, err
		}
	}
	if s.Campaign != nil {
		// after the cancellations commit: the engine cancels each in its own transaction
		if _, err := s.Campaign.CloseDay(ctx, o.ID, c.Day); err != nil {
			return nil, err
		}
	}
	c.Done = true
	return c, nil
}

// dayActive lists the held and confirmed bookings of an office starting on day.
func (s *Server) dayActive(ctx context.Context, officeID int64, day time.Time) ([]*booking.Booking, error) {
	all, err := s.Store.BookingsBetween(ctx, officeID, day, day.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	var out []*booking.Booking
	for _, b := range all {
		if b.State == booking.StateHeld || b.State == booking.StateConfirmed {
			out = append(out, b)
		}
	}
	return out, nil
}

func sameBookings(ids []string, vs []*bookingView) bool {
	if len(ids) != len(vs) {
		return false
	}
	want := map[int64]bool{}
	for _, v := range vs {
		want[v.ID] = true
	}
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || !want[n] {
			return false
		}
		delete(want, n)
	}
	return len(want) == 0
}
