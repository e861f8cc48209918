package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// groupMax bounds how many InGroupTx calls share one SQLite transaction, so a batch (and
// what one failed commit takes down with it) stays small.
const groupMax = 128

// errStoreClosed answers InGroupTx calls made after Close.
var errStoreClosed = errors.New("store closed")

// InGroupTx runs fn in a write transaction like InTx and returns once fn's changes are
// committed (nil) or discarded (an error). On SQLite, calls that arrive while the single
// writer is busy share one transaction and one commit (group commit): one goroutine runs
// them one after another, each inside its own SAVEPOINT, so an fn that fails rolls back
// only its own changes and later fns see exactly the changes of the earlier ones that
// succeeded — the same as running them in turn. A commit that fails fails every fn of
// the batch. On PostgreSQL it is InTx: connections already write in parallel.
//
// fn must read what its checks depend on through tx, not the read pool: the changes of
// earlier fns in the batch are not committed yet. Its statements run to completion even
// if ctx is cancelled meanwhile (an interrupted write would roll back the whole batch);
// a ctx cancelled before fn starts skips it.
func (s *Store) InGroupTx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.dialect != SQLite {
		return s.InTx(ctx, fn)
	}
	g := s.grouper()
	r := &groupReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case g.reqs <- r:
	case <-g.quit:
		return errStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	<-r.done
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.err
}

type groupReq struct {
	ctx      context.Context
	fn       func(tx *Tx) error
	err      error
	panicked any
	done     chan struct{}
}

func (r *groupReq) finish(err error) {
	r.err = err
	close(r.done)
}

// group is the SQLite writer goroutine of InGroupTx, started on first use.
type group struct {
	once    sync.Once
	stop    sync.Once
	reqs    chan *groupReq
	quit    chan struct{}
	stopped chan struct{}
}

func (s *Store) grouper() *group {
	g := &s.group
	g.once.Do(func() {
		g.reqs, g.quit, g.stopped = make(chan *groupReq), make(chan struct{}), make(chan struct{})
		go s.groupLoop()
	})
	return g
}

// stopGroup ends the writer goroutine (if it ever started) after its current batch.
func (s *Store) stopGroup() {
	g := &s.group
	g.stop.Do(func() {
		started := true
		g.once.Do(func() {
			// Never started: later calls must see a closed store, not block.
			g.quit = make(chan struct{})
			started = false
		})
		close(g.quit)
		if started {
			<-g.stopped
		}
	})
}

func (s *Store) groupLoop() {
	g := &s.group
	defer close(g.stopped)
	batch := make([]*groupReq, 0, groupMax)
	for {
		select {
		case r := <-g.reqs:
			batch = append(batch[:0], r)
		case <-g.quit:
			return
		}
		// Everything that queued up while the previous batch ran joins this one.
	drain:
		for len(batch) < groupMax {
			select {
			case r := <-g.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.runGroup(batch)
		clear(batch)
	}
}

// runGroup runs one batch in one transaction.
func (s *Store) runGroup(batch []*groupReq) {
	ctx := context.Background()
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		err = s.translate(err)
		for _, r := range batch {
			r.finish(err)
		}
		return
	}
	tx := &Tx{tx: sqlTx, s: s, detached: true}
	single := len(batch) == 1
	pending := make([]*groupReq, 0, len(batch))
	// abort gives up the whole transaction: every fn not yet answered gets err.
	abort := func(rest []*groupReq, err error) {
		_ = sqlTx.Rollback()
		err = fmt.Errorf("group commit: %w", s.translate(err))
		for _, r := range pending {
			r.finish(err)
		}
		for _, r := range rest {
			r.finish(err)
		}
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.finish(err)
			continue
		}
		if !single {
			if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT grp`); err != nil {
				abort(batch[i:], err)
				return
			}
		}
		ferr := callGroupFn(r, tx)
		if ferr != nil || r.panicked != nil {
			if single {
				_ = sqlTx.Rollback()
				r.finish(ferr)
				return
			}
			// ROLLBACK TO keeps the savepoint open; RELEASE then removes it.
			if _, err := sqlTx.ExecContext(ctx, `ROLLBACK TO grp`); err != nil {
				abort(batch[i:], err)
				return
			}
			if _, err := sqlTx.ExecContext(ctx, `RELEASE grp`); err != nil {
				abort(batch[i:], err)
				return
			}
			r.finish(ferr)
			continue
		}
		if !single {
			if _, err := sqlTx.ExecContext(ctx, `RELEASE grp`); err != nil {
				pending = append(pending, r)
				abort(batch[i+1:], err)
				return
			}
		}
		pending = append(pending, r)
	}
	err = s.translate(sqlTx.Commit())
	for _, r := range pending {
		r.finish(err)
	}
}

// callGroupFn runs r.fn, catching a panic so the writer goroutine survives it; the
// caller's goroutine re-raises it.
func callGroupFn(r *groupReq, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked = p
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return r.fn(tx)
}
