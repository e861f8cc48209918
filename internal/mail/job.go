package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/store"
)

// JobKind is the job that sends one queued Message.
const JobKind = "mail.send"

// Register binds JobKind to m on q; call it once during wiring.
func Register(q *jobs.Queue, m Mailer) {
	q.Register(JobKind, func(ctx context.Context, payload []byte) error {
		var msg Message
		if err := json.Unmarshal(payload, &msg); err != nil {
			return jobs.Permanent(fmt.Errorf("mail payload: %w", err))
		}
		if err := msg.Validate(); err != nil {
			return jobs.Permanent(err)
		}
		return m.Send(ctx, &msg)
	})
}

// Enqueue queues m for sending at runAt (now when zero) in w's transaction, so the mail
// goes out only if the change that caused it commits. dedupKey makes a retry of the
// caller harmless.
func Enqueue(ctx context.Context, q *jobs.Queue, w store.Querier, m *Message, runAt time.Time, dedupKey string) error {
	if err := m.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return q.Enqueue(ctx, w, JobKind, b, runAt, dedupKey)
}
