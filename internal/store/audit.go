package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// AppendAudit adds e to the hash chain inside tx: it takes the last row's id and hash,
// so ids are consecutive and every row commits to all rows before it.
func (s *Store) AppendAudit(ctx context.Context, tx *Tx, e *model.AuditEntry) error {
	if s.dialect == Postgres {
		// Serialise appenders: two transactions reading the same head would fork the chain.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7346001)`); err != nil {
			return err
		}
	}
	var lastID int64
	var lastHash []byte
	err := tx.QueryRow(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&lastID, &lastHash)
	if err != nil {
		if err = s.translate(err); err != model.ErrNotFound {
			return err
		}
		lastID, lastHash = 0, make([]byte, 32)
	}
	if e.At.IsZero() {
		e.At = s.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // stored in microseconds: hash what is stored
	e.ID = lastID + 1
	e.PrevHash = lastHash
	e.Hash = e.ComputeHash()
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (id, at, actor, action, object, ip, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, Micros(e.At), e.Actor, e.Action, e.Object, e.IP, e.Detail, e.PrevHash, e.Hash)
	return err
}

// Audit appends one entry in its own transaction.
func (s *Store) Audit(ctx context.Context, e *model.AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error { return s.AppendAudit(ctx, tx, e) })
}

// AuditProblem names the first row where the chain breaks and why.
type AuditProblem struct {
	ID     int64
	Reason string
}

func (p *AuditProblem) Error() string { return fmt.Sprintf("audit row %d: %s", p.ID, p.Reason) }

// VerifyAudit walks the whole chain in id order and returns the number of rows checked
// and the first problem: a gap (a removed row), a broken link, or a row whose content no
// longer matches its hash (an altered row).
func (s *Store) VerifyAudit(ctx context.Context) (int64, *AuditProblem, error) {
	rows, err := s.Query(ctx, `SELECT id, at, actor, action, object, ip, detail, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	prevID, prevHash := int64(0), make([]byte, 32)
	var n int64
	for rows.Next() {
		var e model.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Object, &e.IP, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return n, nil, err
		}
		e.At = FromMicros(at)
		n++
		switch {
		case e.ID != prevID+1:
			return n, &AuditProblem{ID: prevID + 1, Reason: fmt.Sprintf("missing (next row present is %d): rows were removed", e.ID)}, nil
		case !bytes.Equal(e.PrevHash, prevHash):
			return n, &AuditProblem{ID: e.ID, Reason: "link to the previous row broken"}, nil
		case !bytes.Equal(e.ComputeHash(), e.Hash):
			return n, &AuditProblem{ID: e.ID, Reason: "content altered (hash mismatch)"}, nil
		}
		prevID, prevHash = e.ID, e.Hash
	}
	return n, nil, rows.Err()
}

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	Object string // exact match when set, e.g. "photo:42"
	Limit  int
}

// ListAudit returns the newest entries first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]*model.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q := `SELECT id, at, actor, action, object, ip, detail FROM audit_log`
	var args []any
	if f.Object != "" {
		q += ` WHERE object = ?`
		args = append(args, f.Object)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Object, &e.IP, &e.Detail); err != nil {
			return nil, err
		}
		e.At = FromMicros(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// AuditRowHash returns the stored hash of row id (model.ErrNotFound when absent).
func (s *Store) AuditRowHash(ctx context.Context, id int64) ([]byte, error) {
	var h []byte
	err := s.QueryRow(ctx, `SELECT hash FROM audit_log WHERE id = ?`, id).Scan(&h)
	if err != nil {
		return nil, fmt.Errorf("audit row %d: %w", id, s.translate(err))
	}
	return h, nil
}

// AuditHead returns the last row's id and hash (0 and nil on an empty log). Recorded
// outside the database — the hourly checkpoint in the log, an operator's notes — it is
// what detects removal of the newest rows, which the chain alone cannot.
func (s *Store) AuditHead(ctx context.Context) (int64, []byte, error) {
	var id int64
	var h []byte
	err := s.QueryRow(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&id, &h)
	if err != nil {
		if err = s.translate(err); err == model.ErrNotFound {
			return 0, nil, nil
		}
		return 0, nil, err
	}
	return id, h, nil
}
