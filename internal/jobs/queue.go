// Package jobs runs background work (e-mails, reminders, photo expiry) from a queue stored
// in the database, so a restart loses nothing: a job is leased while it runs and returns
// to the queue if its worker dies.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Handler does one job. A returned error retries it with backoff; wrap it with Permanent
// to give up at once (e.g. a malformed payload).
type Handler func(ctx context.Context, payload []byte) error

type permanent struct{ error }

// Permanent marks an error as not worth retrying.
func Permanent(err error) error { return permanent{err} }

type later struct{ at time.Time }

func (l later) Error() string { return "deferred until " + l.at.Format(time.RFC3339) }

// Later asks for the job to run again at at without counting an attempt: a handler
// that is paced (a relay's send rate) gives its worker back instead of sleeping in it,
// so other kinds of job (a booking's confirmation) are not held up behind it.
func Later(at time.Time) error { return later{at} }

// Queue holds the handlers and runs the worker pool.
type Queue struct {
	store    *store.Store
	log      *slog.Logger
	handlers map[string]Handler
	wake     chan struct{}
	// Poll is how often idle workers look for due jobs; Lease how long a job may run
	// before another worker may take it over.
	Poll  time.Duration
	Lease time.Duration
	// Backoff gives the delay before attempt n+1 after n failed attempts.
	Backoff func(attempt int) time.Duration

	mu      sync.Mutex
	running bool
}

// New makes a queue over st. Register handlers before Run.
func New(st *store.Store, log *slog.Logger) *Queue {
	return &Queue{
		store:    st,
		log:      log,
		handlers: map[string]Handler{},
		wake:     make(chan struct{}, 1),
		Poll:     time.Second,
		Lease:    5 * time.Minute,
		Backoff: func(n int) time.Duration {
			d := time.Duration(math.Pow(2, float64(n))) * 10 * time.Second
			return min(d, 6*time.Hour)
		},
	}
}

// Register binds a job kind to its handler.
func (q *Queue) Register(kind string, h Handler) { q.handlers[kind] = h }

// Enqueue stores a job to run at runAt (now when zero). Pass a *store.Tx as w to commit it
// with the change that caused it; nil uses the write pool. A duplicate dedupKey is not an
// error: the job is already queued.
func (q *Queue) Enqueue(ctx context.Context, w store.Querier, kind string, payload []byte, runAt time.Time, dedupKey string) error {
	if _, ok := q.handlers[kind]; !ok {
		return fmt.Errorf("enqueue: no handler for job kind %q", kind)
	}
	if w == nil {
		w = q.store.Writer()
	}
	err := q.store.EnqueueJob(ctx, w, &model.Job{Kind: kind, Payload: payload, RunAt: runAt}, dedupKey)
	if errors.Is(err, model.ErrConflict) && dedupKey != "" {
		return nil
	}
	if err == nil {
		q.Wake()
	}
	return err
}

// Wake nudges an idle worker to look for work now instead of at the next poll.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims and runs at most one due job; it reports whether one ran. Tests drive
// the queue with it and a controllable clock.
func (q *Queue) RunOnce(ctx context.Context) (bool, error) {
	j, err := q.store.ClaimJob(ctx, q.Lease)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	q.run(ctx, j)
	return true, nil
}

// Drain runs due jobs until none is left.
func (q *Queue) Drain(ctx context.Context) error {
	for {
		ran, err := q.RunOnce(ctx)
		if err != nil || !ran {
			return err
		}
	}
}

func (q *Queue) run(ctx context.Context, j *model.Job) {
	// A job runs to its end even when the server is shutting down (an e-mail half sent
	// must not count as a failed attempt), but never past its lease: after that another
	// worker may take it, and a late outcome is refused by the lease check.
	bg := context.WithoutCancel(ctx)
	jobCtx, cancel := context.WithTimeout(bg, q.Lease)
	defer cancel()
	h, ok := q.handlers[j.Kind]
	var err error
	switch {
	case !ok:
		err = Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	case j.Attempts > j.MaxAttempts:
		// Claimed again after its lease ran out on the last attempt: the job crashed or
		// hung its worker every time, so running it again would loop forever.
		err = Permanent(fmt.Errorf("gave up after %d attempts whose workers never reported back", j.MaxAttempts))
	default:
		err = safeCall(jobCtx, h, j.Payload)
	}
	if err == nil {
		if ferr := q.store.FinishJob(bg, j.ID, j.Attempts); ferr != nil {
			q.log.Error("job finish failed", "job_id", j.ID, "kind", j.Kind, "error", ferr)
		}
		return
	}
	var l later
	if errors.As(err, &l) {
		if derr := q.store.DeferJob(bg, j.ID, j.Attempts, l.at); derr != nil {
			q.log.Error("job defer failed", "job_id", j.ID, "kind", j.Kind, "error", derr)
		}
		return
	}
	var p permanent
	retry := !errors.As(err, &p) && j.Attempts < j.MaxAttempts
	next := q.store.Now().Add(q.Backoff(j.Attempts))
	q.log.Warn("job failed", "job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "retry", retry, "error", err)
	if rerr := q.store.RetryJob(bg, j.ID, j.Attempts, err.Error(), retry, next); rerr != nil {
		q.log.Error("job retry bookkeeping failed", "job_id", j.ID, "error", rerr)
	}
}

func safeCall(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v", r)
		}
	}()
	return h(ctx, payload)
}

// Run starts n workers and blocks until ctx is cancelled and every worker has finished
// its current job.
func (q *Queue) Run(ctx context.Context, n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.worker(ctx)
		}()
	}
	wg.Wait()
}

func (q *Queue) worker(ctx context.Context) {
	t := time.NewTicker(q.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			ran, err := q.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					q.log.Error("job claim failed", "error", err)
				}
				break
			}
			if !ran {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-q.wake:
		}
	}
}
