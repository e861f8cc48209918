package store

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
)

// CreateDevice registers a booth (its token already hashed) and sets d.ID.
func (s *Store) CreateDevice(ctx context.Context, d *booth.Device, audit *model.AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO booth_devices (name, office, token_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			d.Name, d.Office, d.TokenHash, d.Disabled, Micros(d.CreatedAt)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("create booth: %w", tx.Err(err))
		}
		if audit.Object == "" {
			audit.Object = fmt.Sprintf("booth:%d", d.ID)
		}
		return s.AppendAudit(ctx, tx, audit)
	})
}

const deviceCols = `id, name, office, token_hash, disabled, created_at`

func scanDevice(sc interface{ Scan(...any) error }) (*booth.Device, error) {
	var d booth.Device
	var created int64
	if err := sc.Scan(&d.ID, &d.Name, &d.Office, &d.TokenHash, &d.Disabled, &created); err != nil {
		return nil, err
	}
	d.CreatedAt = FromMicros(created)
	return &d, nil
}

// DeviceByTokenHash finds a booth by the hash of the token it presents.
func (s *Store) DeviceByTokenHash(ctx context.Context, hash []byte) (*booth.Device, error) {
	d, err := scanDevice(s.QueryRow(ctx, `SELECT `+deviceCols+` FROM booth_devices WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, fmt.Errorf("booth by token: %w", s.translate(err))
	}
	return d, nil
}

// ListDevices returns every booth, by id.
func (s *Store) ListDevices(ctx context.Context) ([]*booth.Device, error) {
	rows, err := s.Query(ctx, `SELECT `+deviceCols+` FROM booth_devices ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*booth.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDeviceDisabled switches a booth off (a lost or replaced device) or on again.
func (s *Store) SetDeviceDisabled(ctx context.Context, id int64, disabled bool, audit *model.AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE booth_devices SET disabled = ? WHERE id = ?`, disabled, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("booth %d: %w", id, model.ErrNotFound)
		}
		return s.AppendAudit(ctx, tx, audit)
	})
}

var _ booth.Store = (*Store)(nil)
