package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func dsn(t *testing.T) string {
	d, dir := testdb.DSN(t)
	if d == "" {
		d = dir + "/jobs.db"
	}
	return d
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	st := open(t, dsn(t))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	q := jobs.New(st, quiet)
	calls := 0
	q.Register("flaky", func(ctx context.Context, p []byte) error {
		calls++
		if calls < 3 {
			return errors.New("smtp down")
		}
		return nil
	})
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "flaky", []byte(`{}`), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	ran, err := q.RunOnce(ctx)
	if !ran || err != nil || calls != 1 {
		t.Fatalf("first run: %v %v %d", ran, err, calls)
	}
	// Not due yet: the backoff holds it back.
	if ran, _ := q.RunOnce(ctx); ran {
		t.Fatal("retried before its backoff")
	}
	now = now.Add(q.Backoff(1) + time.Second)
	if ran, _ := q.RunOnce(ctx); !ran || calls != 2 {
		t.Fatalf("second attempt did not run: calls %d", calls)
	}
	now = now.Add(q.Backoff(2) + time.Second)
	if ran, _ := q.RunOnce(ctx); !ran || calls != 3 {
		t.Fatalf("third attempt did not run: calls %d", calls)
	}
	j, err := st.JobByID(ctx, 1)
	if err != nil || j.State != model.JobDone || j.Attempts != 3 {
		t.Fatalf("job %+v %v", j, err)
	}
}

func TestPermanentFailureAndMaxAttempts(t *testing.T) {
	st := open(t, dsn(t))
	q := jobs.New(st, quiet)
	q.Backoff = func(int) time.Duration { return 0 }
	q.Register("bad", func(context.Context, []byte) error { return jobs.Permanent(errors.New("malformed payload")) })
	q.Register("always", func(context.Context, []byte) error { return errors.New("nope") })
	ctx := context.Background()
	for _, kind := range []string{"bad", "always"} {
		if err := q.Enqueue(ctx, nil, kind, nil, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	bad, err := st.JobByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	always, err := st.JobByID(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if bad.State != model.JobFailed || bad.Attempts != 1 || bad.LastError != "malformed payload" {
		t.Errorf("permanent: %+v", bad)
	}
	if always.State != model.JobFailed || always.Attempts != always.MaxAttempts {
		t.Errorf("exhausted: %+v", always)
	}
}

func TestJobsSurviveRestartAndDeadWorkers(t *testing.T) {
	d := dsn(t)
	ctx := context.Background()
	st1, err := store.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st1.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	q1 := jobs.New(st1, quiet)
	q1.Register("mail", func(context.Context, []byte) error { return nil })
	if err := q1.Enqueue(ctx, nil, "mail", []byte(`{"to":"a"}`), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := q1.Enqueue(ctx, nil, "mail", []byte(`{"to":"b"}`), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	// A worker claims job 1 and the process dies before finishing it.
	if _, err := st1.ClaimJob(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	st1.Close()

	st2 := open(t, d)
	later := time.Now().Add(2 * time.Minute) // past the dead worker's lease
	st2.Now = func() time.Time { return later }
	q2 := jobs.New(st2, quiet)
	var got []string
	q2.Register("mail", func(_ context.Context, p []byte) error { got = append(got, string(p)); return nil })
	if err := q2.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("after restart ran %v, want both jobs", got)
	}
}

func TestWorkerPoolRunsEachJobOnceAndStops(t *testing.T) {
	st := open(t, dsn(t))
	q := jobs.New(st, quiet)
	q.Poll = 10 * time.Millisecond
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int32
	q.Register("count", func(_ context.Context, p []byte) error {
		mu.Lock()
		seen[string(p)]++
		mu.Unlock()
		total.Add(1)
		return nil
	})
	ctx := context.Background()
	const n = 60
	for i := 0; i < n; i++ {
		if err := q.Enqueue(ctx, nil, "count", []byte{byte(i)}, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { q.Run(runCtx, 4); close(done) }()
	deadline := time.After(20 * time.Second)
	for total.Load() < n {
		select {
		case <-deadline:
			t.Fatalf("only %d of %d jobs ran", total.Load(), n)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("worker pool did not stop with its context")
	}
	for k, v := range seen {
		if v != 1 {
			t.Errorf("job %q ran %d times", k, v)
		}
	}
}

func TestDedupKey(t *testing.T) {
	st := open(t, dsn(t))
	q := jobs.New(st, quiet)
	q.Register("reminder", func(context.Context, []byte) error { return nil })
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := q.Enqueue(ctx, nil, "reminder", nil, time.Time{}, "booking:7"); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := st.JobCounts(ctx)
	if err != nil || counts[model.JobQueued] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

// A worker whose lease ran out must not overwrite the outcome of the worker that took
// the job over (the reviewer's "runs twice, queued again" case).
func TestStaleLeaseCannotOverwriteOutcome(t *testing.T) {
	st := open(t, dsn(t))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	q := jobs.New(st, quiet)
	q.Register("mail", func(context.Context, []byte) error { return nil })
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "mail", nil, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	slow, err := st.ClaimJob(ctx, time.Minute) // worker A, then stuck
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if err := q.Drain(ctx); err != nil { // worker B takes over and finishes
		t.Fatal(err)
	}
	if err := st.RetryJob(ctx, slow.ID, slow.Attempts, "smtp timeout", true, now); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("late failure report: %v, want ErrLeaseLost", err)
	}
	j, _ := st.JobByID(ctx, slow.ID)
	if j.State != model.JobDone {
		t.Fatalf("state %s after the late report, want done", j.State)
	}
}

// A job whose worker dies on every attempt is given up, not reclaimed forever.
func TestCrashingJobIsGivenUp(t *testing.T) {
	st := open(t, dsn(t))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	q := jobs.New(st, quiet)
	ran := 0
	q.Register("poison", func(context.Context, []byte) error { ran++; return nil })
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "poison", nil, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	j0, _ := st.JobByID(ctx, 1)
	for i := 0; i < j0.MaxAttempts; i++ { // each claim's worker "crashes"
		if _, err := st.ClaimJob(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
	}
	if err := q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	j, _ := st.JobByID(ctx, 1)
	if ran != 0 || j.State != model.JobFailed {
		t.Fatalf("ran %d times, state %s; want given up", ran, j.State)
	}
}

// On PostgreSQL a unique violation would abort the caller's transaction: a duplicate
// dedup key inside a transaction must leave the caller's own change in place.
func TestDedupInsideTransactionKeepsCallerChange(t *testing.T) {
	st := open(t, dsn(t))
	q := jobs.New(st, quiet)
	q.Register("reminder", func(context.Context, []byte) error { return nil })
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "reminder", nil, time.Time{}, "booking:1"); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := st.SetSetting(ctx, tx, "marker", "kept"); err != nil {
			return err
		}
		if err := q.Enqueue(ctx, tx, "reminder", nil, time.Time{}, "booking:1"); err != nil {
			return err
		}
		return st.SetSetting(ctx, tx, "marker2", "kept too")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"marker", "marker2"} {
		if v, err := st.Setting(ctx, k); err != nil || v == "" {
			t.Errorf("%s lost: %q %v", k, v, err)
		}
	}
}

// A job running when the server shuts down finishes instead of being cancelled and
// charged a failed attempt.
func TestShutdownLetsRunningJobFinish(t *testing.T) {
	st := open(t, dsn(t))
	q := jobs.New(st, quiet)
	q.Poll = 5 * time.Millisecond
	started := make(chan struct{})
	q.Register("send", func(ctx context.Context, _ []byte) error {
		close(started)
		select {
		case <-time.After(200 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "send", nil, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { q.Run(runCtx, 1); close(done) }()
	<-started
	cancel()
	<-done
	j, _ := st.JobByID(ctx, 1)
	if j.State != model.JobDone || j.Attempts != 1 {
		t.Fatalf("after shutdown: state %s, attempts %d, error %q", j.State, j.Attempts, j.LastError)
	}
}

// A paced job gives its worker back: it is deferred without spending attempts, and a
// job of another kind queued behind it runs first.
func TestLaterDefersWithoutSpendingAttempts(t *testing.T) {
	st := open(t, dsn(t))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	q := jobs.New(st, quiet)
	var order []string
	paced := 0
	q.Register("paced", func(ctx context.Context, p []byte) error {
		paced++
		if paced <= 5 {
			return jobs.Later(now.Add(time.Minute))
		}
		order = append(order, "paced")
		return nil
	})
	q.Register("urgent", func(ctx context.Context, p []byte) error {
		order = append(order, "urgent")
		return nil
	})
	ctx := context.Background()
	if err := q.Enqueue(ctx, nil, "paced", []byte(`{}`), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(ctx, nil, "urgent", []byte(`{}`), now.Add(time.Second), ""); err != nil {
		t.Fatal(err)
	}
	// more deferrals than the job's attempts: none of them may count as a failure
	for i := 0; i < 5; i++ {
		if ran, err := q.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("round %d: ran %v err %v", i, ran, err)
		}
		var j *model.Job
		j, err := st.JobByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != model.JobQueued || j.Attempts != 0 || !j.RunAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("round %d: deferred job %+v", i, j)
		}
		if i == 0 {
			now = now.Add(time.Second) // the urgent job is due, the paced one is not
			if ran, _ := q.RunOnce(ctx); !ran {
				t.Fatal("urgent job did not run while the paced one waited")
			}
		}
		now = now.Add(time.Minute)
	}
	if err := q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "urgent" || order[1] != "paced" {
		t.Fatalf("order %v", order)
	}
	if j, _ := st.JobByID(ctx, 1); j.State != model.JobDone || j.Attempts != 1 {
		t.Fatalf("paced job at the end %+v", j)
	}
}
