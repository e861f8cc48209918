package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
)

// bookingAgendaRow is one slot of the day with what is booked in it.
type bookingAgendaRow struct {
	Time     string
	Used     int
	Capacity int
	Bookings []*bookingView
}

type bookingAgendaData struct {
	Offices  []*model.Office
	Office   *model.Office
	Day      string
	DayLabel string
	PrevDay  string
	NextDay  string
	Rows     []bookingAgendaRow
	Total    int
	Print    bool
	Counters int
}

// bookingAgenda is the clerk's day: every slot of an office with its bookings, the
// counter each one goes to, and buttons to record arrival, no-show and completion.
// With stampa=1 it renders without the site chrome, for printing.
func (s *Server) bookingAgenda(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := langOf(r)
	offices, err := s.Store.ListOffices(ctx, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(offices) == 0 {
		s.render(w, r, http.StatusOK, "booking_agenda.html", bookingAgendaData{})
		return
	}
	q := r.URL.Query()
	o := offices[0]
	for _, x := range offices {
		if x.Code == q.Get("ufficio") {
			o = x
		}
	}
	day, err := booking.ParseDay(q.Get("giorno"), s.loc)
	if err != nil {
		day = booking.Midnight(s.Store.Now(), s.loc)
	}
	bs, err := s.Store.BookingsBetween(ctx, o.ID, day, day.AddDate(0, 0, 1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slots, err := s.daySlotsFor(r, o.ID, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	used, err := s.Store.SlotUsage(ctx, o.ID, day, day.AddDate(0, 0, 1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := bookingAgendaData{Offices: offices, Office: o, Day: day.Format(booking.DayFormat), DayLabel: engine.FormatDay(day, lang),
		PrevDay: day.AddDate(0, 0, -1).Format(booking.DayFormat), NextDay: day.AddDate(0, 0, 1).Format(booking.DayFormat), Print: q.Get("stampa") == "1"}
	rows := map[int64]*bookingAgendaRow{}
	var order []int64
	for _, sl := range slots {
		k := sl.Start.UnixMicro()
		rows[k] = &bookingAgendaRow{Time: sl.Start.In(s.loc).Format("15:04"), Capacity: sl.Capacity, Used: used[k]}
		order = append(order, k)
		d.Counters = max(d.Counters, sl.Capacity)
	}
	counters := bookingCounters(bs)
	for _, b := range bs {
		if b.State == booking.StateExpired || b.State == booking.StateHeld || b.State == booking.StateCancelled {
			continue
		}
		v, err := s.view(ctx, lang, b, false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Counter = counters[b.ID]
		k := b.Start.UnixMicro()
		row, ok := rows[k]
		if !ok { // booked before the hours changed
			row = &bookingAgendaRow{Time: b.Start.In(s.loc).Format("15:04"), Used: used[k]}
			rows[k] = row
			order = append(order, k)
		}
		row.Bookings = append(row.Bookings, v)
		d.Total += b.People
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	for _, k := range order {
		d.Rows = append(d.Rows, *rows[k])
	}
	if d.Total > 0 {
		if err := s.audit(r, "booking.agenda", "office:"+itoa(o.ID), d.Day); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Print {
		s.renderKiosk(w, r, http.StatusOK, "booking_agenda.html", d)
		return
	}
	s.render(w, r, http.StatusOK, "booking_agenda.html", d)
}

// bookingCounters gives each active booking of a day the lowest counter free at its
// start, kept until it ends (a parallel household takes several, shown by the first).
// Counters are decided when the agenda is drawn, not when booking, so cancellations
// never leave gaps in the plan.
func bookingCounters(bs []*booking.Booking) map[int64]int {
	out := map[int64]int{}
	var busyUntil []time.Time
	for _, b := range bs {
		if !booking.Active(b.State) && b.State != booking.StateNoShow && b.State != booking.StateDone {
			continue
		}
		need := 1
		if b.Mode == booking.Parallel {
			need = b.People
		}
		first := 0
		for got := 0; got < need; {
			i := 0
			for i < len(busyUntil) && busyUntil[i].After(b.Start) {
				i++
			}
			if i == len(busyUntil) {
				busyUntil = append(busyUntil, time.Time{})
			}
			busyUntil[i] = b.End
			if got == 0 {
				first = i + 1
			}
			got++
		}
		out[b.ID] = first
	}
	return out
}

func (s *Server) daySlotsFor(r *http.Request, officeID int64, day time.Time) ([]booking.Slot, error) {
	ctx := r.Context()
	ds := day.Format(booking.DayFormat)
	hours, err := s.Store.OpeningHours(ctx, officeID)
	if err != nil {
		return nil, err
	}
	cl, err := s.Store.Closures(ctx, officeID, ds, ds)
	if err != nil {
		return nil, err
	}
	op, err := s.Store.Openings(ctx, officeID, ds, ds)
	if err != nil {
		return nil, err
	}
	closed := len(cl) > 0 || (s.Booking != nil && s.Booking.Holidays.Is(day))
	return booking.DaySlots(day, s.loc, booking.DayLayout{Weekly: hours, Closed: closed, Openings: op}), nil
}
