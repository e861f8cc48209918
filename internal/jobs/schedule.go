package jobs

import (
	"context"
	"strconv"
	"time"
)

// Every enqueues a job of kind once per interval until ctx ends. The dedup key is the
// interval's number, so several instances (or a restart) never enqueue the same round
// twice.
func (q *Queue) Every(ctx context.Context, interval time.Duration, kind string) {
	tick := func() {
		round := q.store.Now().UnixNano() / int64(interval)
		key := kind + "@" + strconv.FormatInt(round, 10)
		if err := q.Enqueue(ctx, nil, kind, []byte("{}"), time.Time{}, key); err != nil && ctx.Err() == nil {
			q.log.Error("schedule failed", "kind", kind, "error", err)
		}
	}
	tick()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			tick()
		}
	}
}
