package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// EnqueueJob stores a job. With a DedupKey, a second job with the same key is a no-op
// (reported as model.ErrConflict), so schedulers can enqueue idempotently. Pass a *Tx to
// make the job commit atomically with the change that caused it.
func (s *Store) EnqueueJob(ctx context.Context, q Querier, j *model.Job, dedupKey string) error {
	now := s.Now()
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.Payload == nil {
		j.Payload = []byte{} // NOT NULL column; nil would be stored as NULL
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = 8
	}
	var key any
	if dedupKey != "" {
		key = dedupKey
	}
	// ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a
	// violation aborts the caller's whole transaction, and with it the change that
	// caused the job.
	err := q.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, dedup_key, run_at, max_attempts, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
		j.Kind, j.Payload, key, Micros(j.RunAt), j.MaxAttempts, Micros(now), Micros(now)).Scan(&j.ID)
	if err == sql.ErrNoRows {
		return fmt.Errorf("enqueue %s: dedup key %q already queued: %w", j.Kind, dedupKey, model.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", j.Kind, s.translate(err))
	}
	j.State = model.JobQueued
	return nil
}

// ClaimJob takes the next due job (or one whose worker died: its lease ran out) and
// leases it for lease. It returns model.ErrNotFound when nothing is due.
func (s *Store) ClaimJob(ctx context.Context, lease time.Duration) (*model.Job, error) {
	now := s.Now()
	pick := `SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= ?) OR (state = 'running' AND locked_until < ?) ORDER BY run_at, id LIMIT 1`
	if s.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	} else {
		// SQLite scans the whole table for the OR above and sorts it (every claim, on the
		// single writer, slower as jobs accumulate); each branch alone walks jobs_due.
		pick = `SELECT id FROM (
			SELECT * FROM (SELECT id, run_at FROM jobs WHERE state = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1)
			UNION ALL
			SELECT * FROM (SELECT id, run_at FROM jobs WHERE state = 'running' AND locked_until < ? ORDER BY run_at, id LIMIT 1)
		) ORDER BY run_at, id LIMIT 1`
	}
	var j model.Job
	var runAt int64
	err := s.write.QueryRowContext(ctx, s.Rebind(`UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?, updated_at = ?
		WHERE id = (`+pick+`) RETURNING id, kind, payload, run_at, attempts, max_attempts`),
		Micros(now.Add(lease)), Micros(now), Micros(now), Micros(now)).
		Scan(&j.ID, &j.Kind, &j.Payload, &runAt, &j.Attempts, &j.MaxAttempts)
	if err != nil {
		return nil, s.translate(err)
	}
	j.RunAt = FromMicros(runAt)
	j.State = model.JobRunning
	return &j, nil
}

// ErrLeaseLost means another worker took the job over (its lease ran out): the outcome
// of the late worker must not overwrite the new one's.
var ErrLeaseLost = fmt.Errorf("job lease lost: %w", model.ErrConflict)

// FinishJob marks a job done, if the caller still holds the lease of attempt.
func (s *Store) FinishJob(ctx context.Context, id int64, attempt int) error {
	res, err := s.Exec(ctx, `UPDATE jobs SET state = 'done', locked_until = 0, updated_at = ? WHERE id = ? AND state = 'running' AND attempts = ?`, Micros(s.Now()), id, attempt)
	return leaseResult(res, err)
}

// RetryJob records a failure of attempt and schedules the next one at next, or marks
// the job failed for good when retry is false; only while the caller holds the lease.
func (s *Store) RetryJob(ctx context.Context, id int64, attempt int, errText string, retry bool, next time.Time) error {
	state := model.JobQueued
	if !retry {
		state = model.JobFailed
	}
	res, err := s.Exec(ctx, `UPDATE jobs SET state = ?, last_error = ?, run_at = ?, locked_until = 0, updated_at = ? WHERE id = ? AND state = 'running' AND attempts = ?`,
		state, errText, Micros(next), Micros(s.Now()), id, attempt)
	return leaseResult(res, err)
}

// DeferJob puts a running job back in the queue for at and gives back the attempt its
// claim counted; only while the caller holds the lease.
func (s *Store) DeferJob(ctx context.Context, id int64, attempt int, at time.Time) error {
	res, err := s.Exec(ctx, `UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = ?, locked_until = 0, updated_at = ? WHERE id = ? AND state = 'running' AND attempts = ?`,
		Micros(at), Micros(s.Now()), id, attempt)
	return leaseResult(res, err)
}

func leaseResult(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// JobByID reads one job (tests and the admin page).
func (s *Store) JobByID(ctx context.Context, id int64) (*model.Job, error) {
	var j model.Job
	var runAt int64
	err := s.QueryRow(ctx, `SELECT id, kind, payload, run_at, attempts, max_attempts, last_error, state FROM jobs WHERE id = ?`, id).
		Scan(&j.ID, &j.Kind, &j.Payload, &runAt, &j.Attempts, &j.MaxAttempts, &j.LastError, &j.State)
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, s.translate(err))
	}
	j.RunAt = FromMicros(runAt)
	return &j, nil
}

// JobCounts returns the number of jobs per state, for /metrics.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.Query(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Setting reads one key of the settings table; a missing key is model.ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", fmt.Errorf("setting %q: %w", key, model.ErrNotFound)
	}
	return v, s.translate(err)
}

// SetSetting writes one key of the settings table.
func (s *Store) SetSetting(ctx context.Context, q Querier, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// CheckKeyFingerprint records fp on first use and refuses a different one later: a
// server started with another key would break every signed link and encrypted photo,
// and a tool with another key would store records the server can never match.
func (s *Store) CheckKeyFingerprint(ctx context.Context, fp string, create bool) error {
	got, err := s.Setting(ctx, "key_fingerprint")
	if errors.Is(err, model.ErrNotFound) {
		if !create {
			return fmt.Errorf("this database has no server key yet: start the server once first")
		}
		return s.SetSetting(ctx, s.Writer(), "key_fingerprint", fp)
	}
	if err != nil {
		return err
	}
	if got != fp {
		return fmt.Errorf("the secret key (fingerprint %s) is not the one this database was used with (%s): use the server's key", fp, got)
	}
	return nil
}
