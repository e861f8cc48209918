package engine

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// LapsedHold returns the booking a hold token names when its minutes ran out (the token
// past its expiry, within booking.LapsedHoldGrace, or the hold released), so the data
// form can ask for the same time again instead of losing what the citizen typed.
func (e *Engine) LapsedHold(ctx context.Context, token string) (*booking.Booking, error) {
	id, ver, err := booking.VerifyLapsed(e.Key, booking.PurposeHold, token, e.now(), booking.LapsedHoldGrace)
	if err != nil {
		return nil, err
	}
	b, err := e.Store.BookingHeader(ctx, e.Store.Reader(), id)
	if err != nil {
		return nil, err
	}
	if b.Version != ver || !lapsed(b, e.now()) {
		return nil, model.Errorf(model.EUNAUTHORIZED, "this link is no longer valid")
	}
	return b, nil
}

func lapsed(b *booking.Booking, now time.Time) bool {
	return (b.State == booking.StateHeld && !b.HoldExpires.After(now)) || b.State == booking.StateExpired
}

// Rehold holds a lapsed booking's time (or start, when not zero: another time the
// citizen picked on the same form) again for the same people and returns the new hold
// and its token; a time taken meanwhile is store.ErrSlotTaken. The lapsed
// booking's capacity is returned first, and its version is bumped once the new hold
// exists, so one token (one solved proof-of-work) yields one live hold at a time:
// submitting the old token twice re-holds only once.
func (e *Engine) Rehold(ctx context.Context, old *booking.Booking, start time.Time) (*booking.Booking, string, error) {
	if err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error { return e.releaseIn(ctx, tx, old.ID) }); err != nil {
		return nil, "", err
	}
	if start.IsZero() {
		start = old.Start
	}
	b, token, err := e.Hold(ctx, Request{OfficeID: old.OfficeID, ServiceID: old.ServiceID, Start: start, People: old.People, Mode: old.Mode}, old.Lang, old.CreatedBy)
	if err != nil {
		return nil, "", err
	}
	var raced bool
	err = e.Store.InGroupTx(ctx, func(tx *store.Tx) error {
		cur, err := e.Store.BookingHeader(ctx, tx, old.ID)
		if err != nil {
			return err
		}
		if cur.Version != old.Version || !lapsed(cur, e.now()) {
			raced = true
			return nil
		}
		cur.Version++
		return e.Store.UpdateBooking(ctx, tx, cur, false)
	})
	if err == nil && raced {
		err = model.Errorf(model.EUNAUTHORIZED, "this link is no longer valid")
	}
	if err != nil {
		if _, cerr := e.cancel(ctx, b.ID, 0, old.CreatedBy, true, ""); cerr != nil {
			e.Log.Error("release duplicate re-hold", "booking_id", b.ID, "error", cerr)
		}
		return nil, "", err
	}
	return b, token, nil
}
