package engine

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// Confirm turns a hold into a booking with the people's data and contacts, checks the
// per-person and per-e-mail caps, and queues the confirmation e-mail (with ICS), the
// reminder and, if the office asks for it, the reconfirmation request and deadline.
func (e *Engine) Confirm(ctx context.Context, holdToken string, persons []booking.Person, c booking.Contact) (*booking.Booking, error) {
	held, err := e.HeldBooking(ctx, holdToken)
	if err != nil {
		return nil, err
	}
	return e.confirm(ctx, held, persons, c)
}

// ConfirmAnd is Confirm that also runs also(tx, b) inside the confirmation's
// transaction, so what the caller records about it (its audit row) commits or fails
// with it, and one commit serves both.
func (e *Engine) ConfirmAnd(ctx context.Context, holdToken string, persons []booking.Person, c booking.Contact,
	also func(tx *store.Tx, b *booking.Booking) error) (*booking.Booking, error) {
	held, err := e.HeldBooking(ctx, holdToken)
	if err != nil {
		return nil, err
	}
	return e.confirmAnd(ctx, held, persons, c, also)
}

func (e *Engine) confirm(ctx context.Context, held *booking.Booking, persons []booking.Person, c booking.Contact) (*booking.Booking, error) {
	return e.confirmAnd(ctx, held, persons, c, nil)
}

func (e *Engine) confirmAnd(ctx context.Context, held *booking.Booking, persons []booking.Person, c booking.Contact,
	also func(tx *store.Tx, b *booking.Booking) error) (*booking.Booking, error) {
	persons, keys, err := normalizePeople(persons, held.People)
	if err != nil {
		return nil, err
	}
	if err := booking.NormalizeContact(&c); err != nil {
		return nil, err
	}
	info, err := e.officeInfo(ctx, held.OfficeID)
	if err != nil {
		return nil, err
	}
	st := info.settings
	var b *booking.Booking
	err = e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		lockKeys := append(lowerAll(keys), "email:"+c.Email)
		sort.Strings(lockKeys)
		if err := e.Store.LockKeys(ctx, tx, lockKeys); err != nil {
			return err
		}
		b, err = e.Store.BookingHeader(ctx, tx, held.ID)
		if err != nil {
			return err
		}
		now := e.now()
		switch {
		case b.State == booking.StateConfirmed:
			return model.Errorf(model.ECONFLICT, "this booking is already confirmed: check your e-mail")
		case b.State != booking.StateHeld || !b.HoldExpires.After(now):
			return ErrHoldExpired
		}
		perCF, perEmail, err := e.Store.ActiveCounts(ctx, tx, keys, c.Email, b.ID, now)
		if err != nil {
			return err
		}
		for i, k := range keys {
			if perCF[k] >= st.MaxPerCF {
				return &model.Error{Code: model.ECONFLICT, Field: "cf_" + itoa(i),
					Message: "this person already has the maximum number of active bookings: cancel one first"}
			}
		}
		if perEmail >= st.MaxPerEmail {
			return &model.Error{Code: model.ECONFLICT, Field: "email",
				Message: "this e-mail address already has the maximum number of active bookings"}
		}
		b.Persons, b.Email, b.Phone, b.Lang = persons, c.Email, c.Phone, c.Lang
		b.State, b.ConfirmedAt, b.HoldExpires = booking.StateConfirmed, now, time.Time{}
		// A booking made after the reconfirmation request would go out is itself fresh
		// confirmation enough.
		b.ReconfirmRequired = st.Reconfirm && now.Before(b.Start.Add(-time.Duration(st.ReconfirmDays)*24*time.Hour))
		if err := e.Store.UpdateBooking(ctx, tx, b, false); err != nil {
			return err
		}
		if err := e.Store.InsertPersons(ctx, tx, b); err != nil {
			return err
		}
		if err := e.scheduleNotices(ctx, tx, b, st, mailConfirmed); err != nil {
			return err
		}
		if also != nil {
			return also(tx, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.count("confirm")
	e.avail.invalidate(b.OfficeID)
	return b, nil
}

// BookFor is the clerk's booking on behalf of a citizen at the counter or on the
// phone: hold and confirm at once, outside the citizens' window if need be.
func (e *Engine) BookFor(ctx context.Context, r Request, persons []booking.Person, c booking.Contact, by string) (*booking.Booking, error) {
	if _, _, err := normalizePeople(append([]booking.Person(nil), persons...), r.People); err != nil {
		return nil, err
	}
	cc := c
	if err := booking.NormalizeContact(&cc); err != nil {
		return nil, err
	}
	held, _, err := e.Hold(ctx, r, c.Lang, by)
	if err != nil {
		return nil, err
	}
	b, err := e.confirm(ctx, held, persons, c)
	if err != nil {
		// Give the slot back at once: nobody else was kept from it for long.
		if _, cerr := e.cancel(ctx, held.ID, 0, by, true, ""); cerr != nil && !errors.Is(cerr, errNotActive) {
			e.Log.Error("release failed hold", "booking_id", held.ID, "error", cerr)
		}
		return nil, err
	}
	return b, nil
}
