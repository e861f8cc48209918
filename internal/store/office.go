package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/model"
)

const officeCols = `id, code, name, address, municipio, lat, lon, phone, active, counters`

func scanOffice(sc interface{ Scan(...any) error }) (*model.Office, error) {
	var o model.Office
	err := sc.Scan(&o.ID, &o.Code, &o.Name, &o.Address, &o.Municipio, &o.Lat, &o.Lon, &o.Phone, &o.Active, &o.Counters)
	return &o, err
}

// CreateOffice inserts o and sets its ID; a taken code is model.ErrConflict.
func (s *Store) CreateOffice(ctx context.Context, q Querier, o *model.Office) error {
	err := q.QueryRowContext(ctx, `INSERT INTO offices (code, name, address, municipio, lat, lon, phone, active, counters)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.Code, o.Name, o.Address, o.Municipio, o.Lat, o.Lon, o.Phone, o.Active, o.Counters).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create office %q: %w", o.Code, s.translate(err))
	}
	return nil
}

// UpdateOffice saves an edited office.
func (s *Store) UpdateOffice(ctx context.Context, o *model.Office) error {
	res, err := s.Exec(ctx, `UPDATE offices SET code = ?, name = ?, address = ?, municipio = ?, lat = ?, lon = ?, phone = ?, active = ?, counters = ? WHERE id = ?`,
		o.Code, o.Name, o.Address, o.Municipio, o.Lat, o.Lon, o.Phone, o.Active, o.Counters, o.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("office %d: %w", o.ID, model.ErrNotFound)
	}
	return nil
}

// ListOffices returns offices by name; activeOnly hides closed ones.
func (s *Store) ListOffices(ctx context.Context, activeOnly bool) ([]*model.Office, error) {
	q := `SELECT ` + officeCols + ` FROM offices`
	if activeOnly {
		q += ` WHERE active`
		if s.dialect == SQLite {
			q = `SELECT ` + officeCols + ` FROM offices WHERE active = 1`
		}
	}
	rows, err := s.Query(ctx, q+` ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Office
	for rows.Next() {
		o, err := scanOffice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OfficeByID finds one office.
func (s *Store) OfficeByID(ctx context.Context, id int64) (*model.Office, error) {
	o, err := scanOffice(s.QueryRow(ctx, `SELECT `+officeCols+` FROM offices WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("office %d: %w", id, s.translate(err))
	}
	return o, nil
}

// OfficeByCode finds one office by its short code.
func (s *Store) OfficeByCode(ctx context.Context, code string) (*model.Office, error) {
	o, err := scanOffice(s.QueryRow(ctx, `SELECT `+officeCols+` FROM offices WHERE code = ?`, code))
	if err != nil {
		return nil, fmt.Errorf("office %q: %w", code, s.translate(err))
	}
	return o, nil
}

// AddOpeningHours inserts one weekly period for an office.
func (s *Store) AddOpeningHours(ctx context.Context, q Querier, h *model.OpeningHours) error {
	err := q.QueryRowContext(ctx, `INSERT INTO opening_hours (office_id, weekday, opens_min, closes_min, slot_minutes, counters)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		h.OfficeID, int(h.Weekday), h.OpensMin, h.ClosesMin, h.SlotMinutes, h.Counters).Scan(&h.ID)
	return s.translate(err)
}

// OpeningHours returns an office's weekly periods ordered by weekday and time.
func (s *Store) OpeningHours(ctx context.Context, officeID int64) ([]*model.OpeningHours, error) {
	rows, err := s.Query(ctx, `SELECT id, office_id, weekday, opens_min, closes_min, slot_minutes, counters
		FROM opening_hours WHERE office_id = ? ORDER BY weekday, opens_min`, officeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.OpeningHours
	for rows.Next() {
		var h model.OpeningHours
		var wd int
		if err := rows.Scan(&h.ID, &h.OfficeID, &wd, &h.OpensMin, &h.ClosesMin, &h.SlotMinutes, &h.Counters); err != nil {
			return nil, err
		}
		h.Weekday = time.Weekday(wd)
		out = append(out, &h)
	}
	return out, rows.Err()
}
