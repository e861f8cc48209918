package engine

import (
	"context"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// The replacement campaign's appointments are bookings like any other, so the clerk's
// agenda and search show them and online booking cannot fill the counters they need.
// The campaign takes them inside the transaction that records the citizen's answer:
// the proposal is confirmed and its booking made together, or neither.
const (
	// CampaignService is the service a campaign appointment books: the paper card
	// holder renews to a CIE (outreach uses the same code to cut its day grid).
	CampaignService = "cie-renewal"
	// CampaignCreator is the created_by of campaign bookings.
	CampaignCreator = "campaign"
)

// errCampaignClosed tells a citizen the day stopped taking appointments after the
// proposal was made (a closure added later).
var errCampaignClosed = model.FieldError("slot", "the office is closed on that day: please choose another")

// campaignPlan returns the service, the units and the end of one person's campaign
// appointment at start. ok is false for an office with no booking calendar at all
// (no weekly hours and no opening that day): there is no capacity to share there.
func (e *Engine) campaignPlan(ctx context.Context, officeID int64, start time.Time) (svc *booking.Service, units []booking.Unit, end time.Time, capOf func(int64) int, ok bool, err error) {
	info, err := e.officeInfo(ctx, officeID)
	if err != nil {
		return nil, nil, time.Time{}, nil, false, err
	}
	day := booking.Midnight(start, e.Loc)
	slots := info.slots(day, e.Loc, false)
	if len(info.hours) == 0 && len(info.openings[day.Format(booking.DayFormat)]) == 0 {
		return nil, nil, time.Time{}, nil, false, nil
	}
	if svc, err = e.ServiceByCode(ctx, CampaignService); err != nil {
		return nil, nil, time.Time{}, nil, false, err
	}
	if !start.After(e.now()) {
		return nil, nil, time.Time{}, nil, false, model.FieldError("slot", "this time has already passed")
	}
	if len(slots) == 0 {
		return nil, nil, time.Time{}, nil, false, errCampaignClosed
	}
	units, end, fits := booking.Demand(slots, start, svc.Minutes, 1, booking.Consecutive)
	if !fits {
		return nil, nil, time.Time{}, nil, false, model.FieldError("slot", "that time is not in the office's opening hours: please choose another")
	}
	capOf = func(st int64) int { return booking.CapacityOf(slots, time.UnixMicro(st)) }
	return svc, units, end, capOf, true, nil
}

// takeIn applies units inside tx after returning what expired holds and finished
// hold-backs still keep at those slots (what takeCapacity does in a second
// transaction, done first here because tx belongs to the caller).
func (e *Engine) takeIn(ctx context.Context, tx *store.Tx, officeID int64, d map[int64]int, units []booking.Unit, capOf func(int64) int) error {
	ids, err := e.Store.StaleHoldersAt(ctx, tx, officeID, starts(units), e.now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := e.releaseIn(ctx, tx, id); err != nil {
			return err
		}
	}
	if err := e.Store.ApplyUnits(ctx, tx, officeID, d, capOf); err != nil {
		if IsSlotTaken(err) {
			e.count("slot_taken")
		}
		return err
	}
	return nil
}

// BookCampaign books one campaign citizen at officeID at start inside tx: a confirmed
// booking for the CIE renewal, created_by "campaign", with the person's name and
// codice fiscale (so the clerk's search finds it) and contacts. It is outside the
// citizens' booking window and their per-person caps (the comune proposed it), but
// within slot capacity like every booking: a full slot is store.ErrSlotTaken. It sends
// no e-mail: the campaign told the citizen. At an office without a booking calendar it
// books nothing and returns nil, nil. Call CampaignDone after tx commits.
func (e *Engine) BookCampaign(ctx context.Context, tx *store.Tx, officeID int64, start time.Time, p booking.Person, email, phone string) (*booking.Booking, error) {
	svc, units, end, capOf, ok, err := e.campaignPlan(ctx, officeID, start)
	if err != nil || !ok {
		return nil, err
	}
	now := e.now()
	p.Name, p.Surname, p.CF = strings.TrimSpace(p.Name), strings.TrimSpace(p.Surname), strings.ToUpper(strings.TrimSpace(p.CF))
	b := &booking.Booking{OfficeID: officeID, ServiceID: svc.ID, Start: start, End: end, People: 1, Mode: booking.Consecutive,
		State: booking.StateConfirmed, Email: email, Phone: phone, Lang: "it", CreatedBy: CampaignCreator, CreatedAt: now,
		ConfirmedAt: now, Version: 1, Units: units, Persons: []booking.Person{p}, Code: newCode()}
	// A clash of random codes (1 in 10^11) fails this confirm with a conflict; it is
	// not retried because on PostgreSQL the failed insert ends the caller's transaction.
	if err := e.Store.InsertBooking(ctx, tx, b); err != nil {
		return nil, err
	}
	if err := e.takeIn(ctx, tx, officeID, deltas(units, 1, nil), units, capOf); err != nil {
		return nil, err
	}
	if err := e.remindCampaign(ctx, tx, b); err != nil {
		return nil, err
	}
	e.count("campaign_confirm")
	return b, nil
}

// remindCampaign queues the office's usual reminder for a campaign booking. The
// campaign sends its own confirmation, so only the reminder is scheduled here; a
// later move bumps the version, which turns the earlier reminder into a no-op.
func (e *Engine) remindCampaign(ctx context.Context, tx *store.Tx, b *booking.Booking) error {
	if b.Email == "" {
		return nil
	}
	st, err := e.Store.BookingSettings(ctx, b.OfficeID)
	if err != nil || st.ReminderHours <= 0 {
		return err
	}
	if at := b.Start.Add(-time.Duration(st.ReminderHours) * time.Hour); at.After(e.now()) {
		return e.enqueueMail(ctx, tx, b, mailReminder, at)
	}
	return nil
}

// CancelCampaign cancels a campaign booking inside tx when its citizen declines or
// the campaign withdraws it. The slot returns to the pool after the office's hold-back
// like any confirmed booking's, so a decline cannot be used to hand a slot to someone
// waiting for it; the release job (or the next booking at that slot) returns it. A
// booking no longer active (a clerk cancelled it) is left as it is.
func (e *Engine) CancelCampaign(ctx context.Context, tx *store.Tx, id int64) error {
	b, err := e.Store.BookingByID(ctx, tx, id)
	if err != nil {
		return err
	}
	if b.State != booking.StateConfirmed {
		return nil
	}
	st, err := e.Store.BookingSettings(ctx, b.OfficeID)
	if err != nil {
		return err
	}
	now := e.now()
	b.State, b.CancelledAt, b.Version = booking.StateCancelled, now, b.Version+1
	b.ReleaseAt = now.Add(minutes(st.HoldbackMinutes))
	if st.HoldbackMinutes == 0 {
		if err := e.Store.ApplyUnits(ctx, tx, b.OfficeID, negate(b.Units), nil); err != nil {
			return err
		}
		b.Released = true
	} else if err := e.Queue.Enqueue(ctx, tx, jobRelease, idPayload(b.ID, b.Version), b.ReleaseAt, dedup(b, "release")); err != nil {
		return err
	}
	e.count("campaign_cancel")
	return e.Store.UpdateBooking(ctx, tx, b, false)
}

// MoveCampaign moves campaign booking id to start at officeID inside tx. At the same
// office the new slot is taken and the old one returned in one change, so there is no
// moment when both or neither are held; at another office the old booking is
// cancelled and its slot returned at once (the citizen keeps an appointment, nothing
// is left for anyone to trade) and a new one made, so the booking returned may have a
// new ID. A full new slot is store.ErrSlotTaken and, the caller's transaction rolling
// back, leaves everything as it was. Moving to an office without a booking calendar
// returns nil, nil: the old booking is cancelled and nothing is held there.
func (e *Engine) MoveCampaign(ctx context.Context, tx *store.Tx, id, officeID int64, start time.Time) (*booking.Booking, error) {
	b, err := e.Store.BookingByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if b.State != booking.StateConfirmed {
		return nil, errNotActive
	}
	if b.OfficeID == officeID && b.Start.Equal(start) {
		return b, nil
	}
	if b.OfficeID != officeID {
		if err := e.Store.ApplyUnits(ctx, tx, b.OfficeID, negate(b.Units), nil); err != nil {
			return nil, err
		}
		now := e.now()
		b.State, b.CancelledAt, b.ReleaseAt, b.Released, b.Version = booking.StateCancelled, now, now, true, b.Version+1
		if err := e.Store.UpdateBooking(ctx, tx, b, false); err != nil {
			return nil, err
		}
		var p booking.Person
		if len(b.Persons) > 0 {
			p = b.Persons[0]
		}
		return e.BookCampaign(ctx, tx, officeID, start, p, b.Email, b.Phone)
	}
	_, units, end, capOf, ok, err := e.campaignPlan(ctx, officeID, start)
	if err != nil || !ok {
		return nil, err
	}
	if err := e.takeIn(ctx, tx, officeID, deltas(units, 1, deltas(b.Units, -1, nil)), units, capOf); err != nil {
		return nil, err
	}
	b.Start, b.End, b.Units, b.Version = start, end, units, b.Version+1
	if err := e.Store.UpdateBooking(ctx, tx, b, true); err != nil {
		return nil, err
	}
	if err := e.remindCampaign(ctx, tx, b); err != nil {
		return nil, err
	}
	e.count("campaign_move")
	return b, nil
}

// CampaignDone drops the cached availability of the offices a committed campaign
// transaction changed, so the calendar shows the taken or returned slots at once.
func (e *Engine) CampaignDone(officeIDs ...int64) {
	for _, id := range officeIDs {
		e.avail.invalidate(id)
	}
}

// NotifyCampaignCancelled queues the booking's usual cancellation e-mail for campaign
// booking id when an operator's outcome (a home visit, back to planning) cancelled
// it: CancelCampaign sends nothing, as a citizen's own decline already gets the
// campaign's answer page. mailed is false when the booking has no e-mail address, for
// the office to phone; cancelled is false when the booking is still active.
func (e *Engine) NotifyCampaignCancelled(ctx context.Context, id int64) (cancelled, mailed bool, err error) {
	err = e.Store.InTx(ctx, func(tx *store.Tx) error {
		cancelled, mailed = false, false // InTx may retry
		b, err := e.Store.BookingByID(ctx, tx, id)
		if err != nil || b.State != booking.StateCancelled {
			return err
		}
		cancelled = true
		if b.Email == "" {
			return nil
		}
		mailed = true
		return e.enqueueMail(ctx, tx, b, mailCancelled, e.now())
	})
	return cancelled, mailed, err
}
