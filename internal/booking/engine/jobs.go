package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/store"
)

// Job kinds of the booking engine.
const (
	jobMail       = "booking.mail"
	jobRelease    = "booking.release"
	jobAutoCancel = "booking.autocancel"
	// JobSweep returns expired holds and finished hold-backs; schedule it every minute.
	JobSweep = "booking.sweep"
	// JobPurge erases personal data of past bookings; schedule it daily.
	JobPurge = "booking.purge"
)

// Retention is how long after an appointment the people's names, codici fiscali and
// contacts are kept: long enough for the clerk to find a booking when the card is
// collected or a complaint comes, then erased (GDPR data minimisation).
const Retention = 90 * 24 * time.Hour

// What an e-mail is about.
const (
	mailConfirmed     = "confirmed"
	mailMoved         = "moved"
	mailReminder      = "reminder"
	mailReconfirm     = "reconfirm"
	mailCancelled     = "cancelled"
	mailAutoCancelled = "autocancelled"
	// mailCampaignCancelled: a campaign appointment cancelled, its citizen back to
	// the campaign for a new proposal (Engine.Cancelled)
	mailCampaignCancelled = "campaign_cancelled"
)

type jobPayload struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	What    string `json:"what,omitempty"`
	// Reason is the clerk's reason for a cancellation, told to the citizen.
	Reason string `json:"reason,omitempty"`
	// UID and Seq name the calendar event a cancellation removes when another
	// module's (Engine.CalendarUID) had to be read before that module let go of
	// the booking; "" reads it when the mail is written.
	UID string `json:"uid,omitempty"`
	Seq int    `json:"seq,omitempty"`
}

func idPayload(id int64, version int) []byte {
	b, _ := json.Marshal(jobPayload{ID: id, Version: version})
	return b
}

func dedup(b *booking.Booking, what string) string {
	return fmt.Sprintf("booking:%d:v%d:%s", b.ID, b.Version, what)
}

func (e *Engine) enqueueMail(ctx context.Context, tx *store.Tx, b *booking.Booking, what string, at time.Time) error {
	return e.enqueuePayload(ctx, tx, b, jobPayload{What: what}, at)
}

// enqueuePayload queues the e-mail p says (its ID and version are b's).
func (e *Engine) enqueuePayload(ctx context.Context, tx *store.Tx, b *booking.Booking, p jobPayload, at time.Time) error {
	p.ID, p.Version = b.ID, b.Version
	data, _ := json.Marshal(p)
	return e.Queue.Enqueue(ctx, tx, jobMail, data, at, dedup(b, p.What))
}

// scheduleNotices queues, in the booking's transaction, the e-mail about what just
// happened and the future ones: reminder, reconfirmation request and its deadline.
// Jobs carry the booking's version; a job finding a newer version does nothing, so a
// move or cancellation needs no job deletion.
func (e *Engine) scheduleNotices(ctx context.Context, tx *store.Tx, b *booking.Booking, st booking.Settings, what string) error {
	now := e.now()
	if err := e.enqueueMail(ctx, tx, b, what, now); err != nil {
		return err
	}
	if st.ReminderHours > 0 {
		if at := b.Start.Add(-time.Duration(st.ReminderHours) * time.Hour); at.After(now) {
			if err := e.enqueueMail(ctx, tx, b, mailReminder, at); err != nil {
				return err
			}
		}
	}
	if b.ReconfirmRequired && b.ReconfirmedAt.IsZero() {
		ask := b.Start.Add(-time.Duration(st.ReconfirmDays) * 24 * time.Hour)
		if ask.Before(now) {
			ask = now
		}
		if err := e.enqueueMail(ctx, tx, b, mailReconfirm, ask); err != nil {
			return err
		}
		deadline := b.Start.Add(-time.Duration(st.ReconfirmDeadlineHours) * time.Hour)
		if err := e.Queue.Enqueue(ctx, tx, jobAutoCancel, idPayload(b.ID, b.Version), deadline, dedup(b, "autocancel")); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) registerJobs() {
	e.Queue.Register(jobMail, e.runMail)
	e.Queue.Register(jobRelease, func(ctx context.Context, payload []byte) error {
		var p jobPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		err := e.Store.InGroupTx(ctx, func(tx *store.Tx) error { return e.releaseIn(ctx, tx, p.ID) })
		return err
	})
	e.Queue.Register(jobAutoCancel, e.runAutoCancel)
	e.Queue.Register(JobPurge, func(ctx context.Context, _ []byte) error {
		n, err := e.Store.PurgeBookingPeople(ctx, e.now().Add(-Retention))
		if n > 0 {
			e.Log.Info("booking personal data erased", "bookings", n)
		}
		return err
	})
	e.Queue.Register(JobSweep, func(ctx context.Context, _ []byte) error {
		n, err := e.ReleaseDue(ctx)
		if n > 0 {
			e.Log.Info("booking capacity released", "count", n)
		}
		return err
	})
}

func (e *Engine) runAutoCancel(ctx context.Context, payload []byte) error {
	var p jobPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return jobs.Permanent(err)
	}
	b, err := e.Store.BookingByID(ctx, e.Store.Reader(), p.ID)
	if err != nil {
		return jobs.Permanent(err)
	}
	if b.Version != p.Version || b.State != booking.StateConfirmed || !b.ReconfirmRequired || !b.ReconfirmedAt.IsZero() {
		return nil
	}
	_, err = e.cancel(ctx, b.ID, p.Version, "system", false, "")
	if err == errNotActive || err == errReplaced {
		return nil
	}
	return err
}

func (e *Engine) runMail(ctx context.Context, payload []byte) error {
	var p jobPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return jobs.Permanent(err)
	}
	b, err := e.Store.BookingByID(ctx, e.Store.Reader(), p.ID)
	if err != nil {
		return jobs.Permanent(err)
	}
	switch p.What {
	case mailConfirmed, mailMoved, mailReminder, mailReconfirm:
		// Stale: the booking moved or was cancelled after this was queued.
		if b.Version != p.Version || b.State != booking.StateConfirmed {
			return nil
		}
		if p.What == mailReconfirm && !b.ReconfirmedAt.IsZero() {
			return nil
		}
	}
	if b.Email == "" {
		return nil
	}
	m, err := e.message(ctx, b, p)
	if err != nil {
		return err
	}
	if err := e.Mailer.Send(ctx, m); err != nil {
		return err
	}
	e.Log.Info("booking mail sent", "booking_id", b.ID, "what", p.What)
	return nil
}
