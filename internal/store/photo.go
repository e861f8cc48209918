package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
)

const photoCols = `p.id, p.code_hash, p.origin, COALESCE(p.booth_id, 0), COALESCE(CASE WHEN d.office = '' THEN d.name ELSE d.office || ' · ' || d.name END, ''), p.status, p.checks,
	p.width, p.height, p.size, p.created_at, p.expires_at, p.attached_at, p.attached_by, p.application, p.deleted_at, p.delete_note`

const photoFrom = ` FROM photos p LEFT JOIN booth_devices d ON d.id = p.booth_id`

func scanPhoto(sc interface{ Scan(...any) error }) (*booth.Photo, error) {
	var p booth.Photo
	var origin, status, checks string
	var created, expires, attached, deleted int64
	if err := sc.Scan(&p.ID, &p.CodeHash, &origin, &p.BoothID, &p.BoothName, &status, &checks,
		&p.Width, &p.Height, &p.Size, &created, &expires, &attached, &p.AttachedBy, &p.Application, &deleted, &p.DeleteNote); err != nil {
		return nil, err
	}
	p.Origin, p.Status = booth.Origin(origin), booth.Status(status)
	if err := json.Unmarshal([]byte(checks), &p.Checks); err != nil {
		return nil, fmt.Errorf("photo %d checks: %w", p.ID, err)
	}
	p.CreatedAt, p.ExpiresAt, p.AttachedAt, p.DeletedAt = FromMicros(created), FromMicros(expires), FromMicros(attached), FromMicros(deleted)
	return &p, nil
}

// CreatePhoto inserts a photo with its encrypted blobs and its audit entry in one
// transaction: either all of it is stored or none. It sets p.ID.
func (s *Store) CreatePhoto(ctx context.Context, p *booth.Photo, blobs []booth.Blob, audit *model.AuditEntry) error {
	checks, err := json.Marshal(p.Checks)
	if err != nil {
		return err
	}
	var boothID any
	if p.BoothID != 0 {
		boothID = p.BoothID
	}
	return s.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO photos (code_hash, origin, booth_id, status, checks, width, height, size, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.CodeHash, string(p.Origin), boothID, string(p.Status), string(checks), p.Width, p.Height, p.Size,
			Micros(p.CreatedAt), Micros(p.ExpiresAt)).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("create photo: %w", tx.Err(err))
		}
		for _, b := range blobs {
			if _, err := tx.Exec(ctx, `INSERT INTO photo_blobs (photo_id, kind, nonce, data) VALUES (?, ?, ?, ?)`, p.ID, b.Kind, b.Nonce, b.Data); err != nil {
				return fmt.Errorf("photo %d blob %s: %w", p.ID, b.Kind, err)
			}
		}
		if audit.Object == "" {
			audit.Object = p.Object()
		}
		return s.AppendAudit(ctx, tx, audit)
	})
}

// PhotoByCodeHash finds a photo by its code's keyed hash, in any status.
func (s *Store) PhotoByCodeHash(ctx context.Context, hash []byte) (*booth.Photo, error) {
	p, err := scanPhoto(s.QueryRow(ctx, `SELECT `+photoCols+photoFrom+` WHERE p.code_hash = ?`, hash))
	if err != nil {
		return nil, fmt.Errorf("photo by code: %w", s.translate(err))
	}
	return p, nil
}

// PhotoByID finds a photo by id, in any status.
func (s *Store) PhotoByID(ctx context.Context, id int64) (*booth.Photo, error) {
	p, err := scanPhoto(s.QueryRow(ctx, `SELECT `+photoCols+photoFrom+` WHERE p.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("photo %d: %w", id, s.translate(err))
	}
	return p, nil
}

// PhotoBlob returns one encrypted blob of a photo.
func (s *Store) PhotoBlob(ctx context.Context, id int64, kind string) (*booth.Blob, error) {
	b := booth.Blob{Kind: kind}
	err := s.QueryRow(ctx, `SELECT nonce, data FROM photo_blobs WHERE photo_id = ? AND kind = ?`, id, kind).Scan(&b.Nonce, &b.Data)
	if err != nil {
		return nil, fmt.Errorf("photo %d blob %s: %w", id, kind, s.translate(err))
	}
	return &b, nil
}

// AttachPhoto moves a stored photo to attached. A photo no longer stored (attached by
// someone else a moment ago, or deleted) is model.ErrConflict.
func (s *Store) AttachPhoto(ctx context.Context, id int64, by, application string, at time.Time, audit *model.AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE photos SET status = 'attached', attached_at = ?, attached_by = ?, application = ?
			WHERE id = ? AND status = 'stored'`, Micros(at), by, application, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("attach photo %d: %w", id, model.ErrConflict)
		}
		return s.AppendAudit(ctx, tx, audit)
	})
}

// DeletePhoto removes every blob of a photo and leaves the row as a tombstone with the
// given final status. On SQLite, secure_delete overwrites the freed pages, so the
// ciphertext does not linger in the database file.
func (s *Store) DeletePhoto(ctx context.Context, id int64, status booth.Status, note string, at time.Time, audit *model.AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if s.dialect == SQLite {
			if _, err := tx.Exec(ctx, `PRAGMA secure_delete = ON`); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE photos SET status = ?, deleted_at = ?, delete_note = ?
			WHERE id = ? AND status IN ('stored', 'attached')`, string(status), Micros(at), note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete photo %d: %w", id, model.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM photo_blobs WHERE photo_id = ?`, id); err != nil {
			return err
		}
		return s.AppendAudit(ctx, tx, audit)
	})
}

// ExpiredPhotos lists photos whose image still exists past their expiry, oldest first.
func (s *Store) ExpiredPhotos(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.Query(ctx, `SELECT id FROM photos WHERE status IN ('stored', 'attached') AND expires_at <= ? ORDER BY expires_at LIMIT ?`, Micros(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// PhotoCounts is how many photos are in each status, for the operator home.
func (s *Store) PhotoCounts(ctx context.Context) (map[booth.Status]int, error) {
	rows, err := s.Query(ctx, `SELECT status, COUNT(*) FROM photos GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[booth.Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[booth.Status(st)] = n
	}
	return out, rows.Err()
}
