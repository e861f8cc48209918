package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Hold reserves capacity for a few minutes (the office's HoldMinutes) while the citizen
// types their data; by is "citizen" or "user:<name>". It returns the held booking and
// the token that confirms it. A full slot is store.ErrSlotTaken.
func (e *Engine) Hold(ctx context.Context, r Request, lang, by string) (*booking.Booking, string, error) {
	p, err := e.plan(ctx, r, by == "citizen")
	if err != nil {
		return nil, "", err
	}
	now := e.now()
	mode := r.Mode
	if mode != booking.Parallel {
		mode = booking.Consecutive
	}
	if lang != "en" {
		lang = "it"
	}
	b := &booking.Booking{OfficeID: p.office.ID, ServiceID: p.service.ID, Start: r.Start, End: p.end, People: r.People, Mode: mode,
		State: booking.StateHeld, HoldExpires: now.Add(minutes(p.settings.HoldMinutes)), Lang: lang, CreatedBy: by, CreatedAt: now,
		Version: 1, Units: p.units}
	for attempt := 0; ; attempt++ {
		b.Code = newCode()
		err = e.takeCapacity(ctx, p.office.ID, starts(p.units), func(tx *store.Tx) error {
			if err := e.Store.InsertBooking(ctx, tx, b); err != nil {
				return err
			}
			return e.Store.ApplyUnits(ctx, tx, p.office.ID, deltas(p.units, 1, nil), p.capOf)
		})
		// A clash of random codes is the only other conflict an insert can meet.
		if err != nil && !errors.Is(err, store.ErrSlotTaken) && errors.Is(err, model.ErrConflict) && attempt < 3 {
			continue
		}
		break
	}
	if err != nil {
		if IsSlotTaken(err) {
			e.count("slot_taken")
		}
		return nil, "", err
	}
	e.count("hold")
	e.avail.invalidate(p.office.ID)
	return b, e.HoldToken(b), nil
}

// HeldBooking returns the booking a hold token names, for the personal-data page.
func (e *Engine) HeldBooking(ctx context.Context, token string) (*booking.Booking, error) {
	id, ver, err := booking.Verify(e.Key, booking.PurposeHold, token, e.now())
	if errors.Is(err, booking.ErrLinkExpired) {
		return nil, ErrHoldExpired
	}
	if err != nil {
		return nil, err
	}
	b, err := e.Store.BookingHeader(ctx, e.Store.Reader(), id)
	if err != nil {
		return nil, err
	}
	if b.Version != ver {
		return nil, model.Errorf(model.EUNAUTHORIZED, "this link is no longer valid")
	}
	return b, nil
}

func normalizePeople(persons []booking.Person, want int) ([]booking.Person, []string, error) {
	if len(persons) != want {
		return nil, nil, model.FieldError("people", "enter the data of every person of the booking")
	}
	seen := map[string]bool{}
	keys := make([]string, 0, len(persons))
	for i := range persons {
		if err := booking.NormalizePerson(&persons[i], i); err != nil {
			return nil, nil, err
		}
		k := booking.CapKey(persons[i].CF)
		if seen[k] {
			return nil, nil, model.FieldError("cf_"+itoa(i), "the same codice fiscale appears twice in this booking")
		}
		seen[k] = true
		keys = append(keys, k)
	}
	return persons, keys, nil
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}
