package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// SQLite's write-ahead log is copied back into the database file by a checkpoint.
// Left to SQLite, the commit that takes the log past 1,000 pages runs it, inside the
// single writer's turn: one booking, or the campaign re-plan that everyone else is
// queued behind, pays for the pages of all the writes before it. A goroutine on its
// own connection checkpoints instead, once a second. PASSIVE never waits for readers
// or writers and never blocks them; what it cannot copy yet it copies next time.
// wal_autocheckpoint stays on the writer as a backstop, at 16,384 pages (64 MB of
// log), should the goroutine fall behind.

// checkpointEvery is how often the checkpointer runs.
const checkpointEvery = time.Second

// walBackstop is the writer's wal_autocheckpoint, in pages.
const walBackstop = 16384

type checkpointer struct {
	db      *sql.DB
	quit    chan struct{}
	stopped chan struct{}
}

// startCheckpointer opens the checkpoint connection with the writer's pragmas and
// starts its loop.
func (s *Store) startCheckpointer(dsn string) error {
	db, err := sql.Open(sqliteCachedDriver, dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, quit: make(chan struct{}), stopped: make(chan struct{})}
	s.ckpt = c
	go c.loop()
	return nil
}

func (c *checkpointer) loop() {
	defer close(c.stopped)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
			if err := c.run(); err != nil {
				slog.Warn("wal checkpoint", "err", err)
			}
		}
	}
}

func (c *checkpointer) run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var busy, logPages, done int
	return c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done)
}

// stop ends the loop and closes the connection.
func (c *checkpointer) stop() error {
	close(c.quit)
	<-c.stopped
	return c.db.Close()
}
