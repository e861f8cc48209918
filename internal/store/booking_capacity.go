package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// ErrSlotTaken is returned when a slot has no room left for a booking.
var ErrSlotTaken = model.Errorf(model.ECONFLICT, "this time was just taken: please choose another")

// ApplyUnits changes the capacity used at an office's slots inside tx: positive deltas
// take room, negative ones return it. Every increase is one guarded upsert,
// `… DO UPDATE SET used = used + n WHERE used + n <= capacity`, which the database
// evaluates on the locked row (PostgreSQL re-checks the condition on the newest row
// version after waiting for a concurrent writer; SQLite has a single writer), so
// capacity is never exceeded whatever the concurrency.
// Rows are touched in start order, so two transactions never wait on each other in a
// cycle. capOf gives each slot's capacity as the schedule says now.
func (s *Store) ApplyUnits(ctx context.Context, tx *Tx, officeID int64, deltas map[int64]int, capOf func(start int64) int) error {
	starts := make([]int64, 0, len(deltas))
	for k, d := range deltas {
		if d != 0 {
			starts = append(starts, k)
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	for _, st := range starts {
		d := deltas[st]
		if d < 0 {
			if _, err := tx.Exec(ctx, `UPDATE slot_usage SET used = CASE WHEN used + ? < 0 THEN 0 ELSE used + ? END WHERE office_id = ? AND start = ?`, d, d, officeID, st); err != nil {
				return err
			}
			continue
		}
		capacity := capOf(st)
		if d > capacity {
			return fmt.Errorf("slot %d at %d: %w", officeID, st, ErrSlotTaken)
		}
		// One statement per slot: a first booking creates the row, later ones add to it
		// only while the sum stays within capacity; on a full slot nothing changes and
		// no row is reported.
		res, err := tx.Exec(ctx, `INSERT INTO slot_usage (office_id, start, used) VALUES (?, ?, ?)
			ON CONFLICT (office_id, start) DO UPDATE SET used = slot_usage.used + excluded.used
			WHERE slot_usage.used + excluded.used <= ?`, officeID, st, d, capacity)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("slot %d at %d: %w", officeID, st, ErrSlotTaken)
		}
	}
	return nil
}

// SlotUsage returns the capacity used per slot start (Unix µs) in [from, to).
func (s *Store) SlotUsage(ctx context.Context, officeID int64, from, to time.Time) (map[int64]int, error) {
	rows, err := s.Query(ctx, `SELECT start, used FROM slot_usage WHERE office_id = ? AND start >= ? AND start < ? AND used > 0`, officeID, Micros(from), Micros(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var st int64
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// StaleHoldersAt returns bookings holding capacity at any of the starts that should no
// longer: holds past their expiry and cancellations past their hold-back.
func (s *Store) StaleHoldersAt(ctx context.Context, tx *Tx, officeID int64, starts []int64, now time.Time) ([]int64, error) {
	if len(starts) == 0 {
		return nil, nil
	}
	q := `SELECT DISTINCT b.id FROM bookings b JOIN booking_units u ON u.booking_id = b.id
		WHERE b.office_id = ? AND b.released = 0 AND u.start IN (` + placeholders(len(starts)) + `)
		AND ((b.state = 'held' AND b.hold_expires <= ?) OR (b.state IN ('cancelled', 'expired') AND b.release_at <= ?))`
	args := []any{officeID}
	for _, st := range starts {
		args = append(args, st)
	}
	args = append(args, Micros(now), Micros(now))
	return s.ids(ctx, tx, q, args...)
}

// DueReleases returns bookings anywhere that hold capacity they should have returned.
func (s *Store) DueReleases(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return s.ids(ctx, nil, `SELECT id FROM bookings WHERE released = 0 AND
		((state = 'held' AND hold_expires <= ?) OR (state IN ('cancelled', 'expired') AND release_at <= ?)) ORDER BY id LIMIT ?`,
		Micros(now), Micros(now), limit)
}

func (s *Store) ids(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	var qr Querier = readPool{s}
	if tx != nil {
		qr = tx
	}
	rows, err := qr.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// readPool is the read pool as a Querier, so booking reads share code with reads
// inside a transaction. Its Exec goes to the write side: nothing writes through it.
type readPool struct{ s *Store }

func (r readPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.s.Exec(ctx, q, args...)
}

func (r readPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.s.Query(ctx, q, args...)
}

func (r readPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.s.QueryRow(ctx, q, args...)
}

// Reader returns the read pool as a Querier.
func (s *Store) Reader() Querier { return readPool{s} }
