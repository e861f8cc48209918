package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

var (
	errNotActive = model.Errorf(model.ECONFLICT, "this booking is no longer active")
	errReplaced  = model.Errorf(model.EUNAUTHORIZED, "this link was replaced by a newer one after the booking changed: use the link in the latest e-mail")
)

// Managed returns the booking a manage token names and the version it was signed for.
func (e *Engine) Managed(ctx context.Context, token string) (*booking.Booking, error) {
	id, ver, err := booking.Verify(e.Key, booking.PurposeManage, token, e.now())
	if err != nil {
		return nil, err
	}
	b, err := e.Store.BookingByID(ctx, e.Store.Reader(), id)
	if err != nil {
		return nil, err
	}
	if b.Version != ver {
		return nil, errReplaced
	}
	return b, nil
}

// Cancel cancels a booking. version is the one the citizen's link was signed for (0 for
// a clerk, who always acts on the current booking); the citizen is e-mailed.
func (e *Engine) Cancel(ctx context.Context, id int64, version int, by string) (*booking.Booking, error) {
	return e.cancel(ctx, id, version, by, false, "")
}

// maxReason bounds the clerk's reason: a line or two for the e-mail, not a letter.
const maxReason = 300

// CancelFor is a clerk's Cancel with the reason the citizen is told ("" none), e.g.
// "l'ufficio è chiuso per un guasto".
func (e *Engine) CancelFor(ctx context.Context, id int64, by, reason string) (*booking.Booking, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if r := []rune(reason); len(r) > maxReason {
		return nil, model.FieldError("reason", "the reason is too long: at most %d characters", maxReason)
	}
	return e.cancel(ctx, id, 0, by, false, reason)
}

func (e *Engine) cancel(ctx context.Context, id int64, version int, by string, immediate bool, reason string) (*booking.Booking, error) {
	var b *booking.Booking
	err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		var err error
		b, err = e.Store.BookingByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && b.Version != version {
			return errReplaced
		}
		if b.State != booking.StateHeld && b.State != booking.StateConfirmed {
			return errNotActive
		}
		st, err := e.Store.BookingSettings(ctx, b.OfficeID)
		if err != nil {
			return err
		}
		now := e.now()
		wasConfirmed := b.State == booking.StateConfirmed
		b.State, b.CancelledAt, b.Version = booking.StateCancelled, now, b.Version+1
		b.ReleaseAt = now.Add(minutes(st.HoldbackMinutes))
		if !wasConfirmed || immediate || st.HoldbackMinutes == 0 {
			b.ReleaseAt = now
			if err := e.Store.ApplyUnits(ctx, tx, b.OfficeID, negate(b.Units), nil); err != nil {
				return err
			}
			b.Released = true
		} else if err := e.Queue.Enqueue(ctx, tx, jobRelease, idPayload(b.ID, b.Version), b.ReleaseAt, dedup(b, "release")); err != nil {
			return err
		}
		if err := e.Store.UpdateBooking(ctx, tx, b, false); err != nil {
			return err
		}
		if !wasConfirmed {
			return nil
		}
		mail := jobPayload{What: mailCancelled, Reason: reason}
		if by == "system" {
			mail.What = mailAutoCancelled
		}
		if e.Cancelled != nil {
			// the event's UID is read before the hook: the campaign drops the
			// booking's link to its proposal, through which CalendarUID finds it
			if e.CalendarUID != nil && b.Email != "" {
				if mail.UID, mail.Seq, err = e.CalendarUID(ctx, b); err != nil {
					return err
				}
			}
			replanned, err := e.Cancelled(ctx, tx, b, by)
			if err != nil {
				return err
			}
			if replanned {
				mail.What = mailCampaignCancelled
			}
		}
		if b.Email == "" {
			return nil
		}
		return e.enqueuePayload(ctx, tx, b, mail, now)
	})
	if err != nil {
		return nil, err
	}
	e.avail.invalidate(b.OfficeID)
	if by == "system" {
		e.count("autocancel")
	} else {
		e.count("cancel")
	}
	e.Log.Info("booking cancelled", "booking_id", b.ID, "by", by)
	return b, nil
}

// Move moves a confirmed booking to another start in one transaction: the new slots are
// taken and the old ones returned together, so there is no moment when both or neither
// are held. A full new slot leaves the booking where it was.
func (e *Engine) Move(ctx context.Context, id int64, version int, newStart time.Time, by string) (*booking.Booking, error) {
	cur, err := e.Store.BookingByID(ctx, e.Store.Reader(), id)
	if err != nil {
		return nil, err
	}
	p, err := e.plan(ctx, Request{OfficeID: cur.OfficeID, ServiceID: cur.ServiceID, Start: newStart, People: cur.People, Mode: cur.Mode}, by == "citizen")
	if err != nil {
		return nil, err
	}
	var b *booking.Booking
	err = e.takeCapacity(ctx, cur.OfficeID, starts(p.units), func(tx *store.Tx) error {
		var err error
		b, err = e.Store.BookingByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && b.Version != version {
			return errReplaced
		}
		if b.State != booking.StateConfirmed {
			return errNotActive
		}
		if b.Start.Equal(newStart) {
			return model.FieldError("start", "the booking is already at this time")
		}
		d := deltas(b.Units, -1, nil)
		d = deltas(p.units, 1, d)
		if err := e.Store.ApplyUnits(ctx, tx, b.OfficeID, d, p.capOf); err != nil {
			return err
		}
		now := e.now()
		b.Start, b.End, b.Units, b.Version = newStart, p.end, p.units, b.Version+1
		if by == "citizen" {
			b.ReconfirmedAt = now // choosing a new time is a confirmation in itself
		}
		if err := e.Store.UpdateBooking(ctx, tx, b, true); err != nil {
			return err
		}
		return e.scheduleNotices(ctx, tx, b, p.settings, mailMoved)
	})
	if err != nil {
		if IsSlotTaken(err) {
			e.count("slot_taken")
		}
		return nil, err
	}
	e.avail.invalidate(b.OfficeID)
	e.count("move")
	e.Log.Info("booking moved", "booking_id", b.ID, "by", by)
	return b, nil
}

// Reconfirm records the citizen's answer to the reconfirmation request.
func (e *Engine) Reconfirm(ctx context.Context, id int64, version int) (*booking.Booking, error) {
	var b *booking.Booking
	err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = e.Store.BookingByID(ctx, tx, id); err != nil {
			return err
		}
		if b.Version != version {
			return errReplaced
		}
		if b.State != booking.StateConfirmed {
			return errNotActive
		}
		if b.ReconfirmedAt.IsZero() {
			b.ReconfirmedAt = e.now()
		}
		return e.Store.UpdateBooking(ctx, tx, b, false)
	})
	return b, err
}

// SetStatus records what happened at the counter: arrived, no-show or done. It is
// allowed from the appointment's day on, so a slip on a future booking is refused.
func (e *Engine) SetStatus(ctx context.Context, id int64, state, by string) (*booking.Booking, error) {
	if state != booking.StateArrived && state != booking.StateNoShow && state != booking.StateDone && state != booking.StateConfirmed {
		return nil, model.FieldError("state", "unknown status")
	}
	var b *booking.Booking
	err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = e.Store.BookingByID(ctx, tx, id); err != nil {
			return err
		}
		switch b.State {
		case booking.StateConfirmed, booking.StateArrived, booking.StateNoShow, booking.StateDone:
		default:
			return errNotActive
		}
		if e.now().Before(booking.Midnight(b.Start, e.Loc)) {
			return model.Errorf(model.EINVALID, "the appointment is on a later day")
		}
		from := b.State
		b.State = state
		if err := e.Store.UpdateBooking(ctx, tx, b, false); err != nil {
			return err
		}
		if e.StatusChanged != nil && from != state {
			return e.StatusChanged(ctx, tx, b, from, by)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.Log.Info("booking status", "booking_id", b.ID, "state", state, "by", by)
	return b, nil
}

// IsSlotTaken tells whether err means the slot filled up.
func IsSlotTaken(err error) bool { return errors.Is(err, store.ErrSlotTaken) }
