package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

// BookingServices lists the bookable services; activeOnly hides retired ones.
func (s *Store) BookingServices(ctx context.Context, activeOnly bool) ([]*booking.Service, error) {
	q := `SELECT id, code, name_it, name_en, minutes, active FROM booking_services`
	if activeOnly {
		q += ` WHERE active = 1`
	}
	rows, err := s.Query(ctx, q+` ORDER BY sort, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*booking.Service
	for rows.Next() {
		var v booking.Service
		var active int
		if err := rows.Scan(&v.ID, &v.Code, &v.NameIT, &v.NameEN, &v.Minutes, &active); err != nil {
			return nil, err
		}
		v.Active = active == 1
		out = append(out, &v)
	}
	return out, rows.Err()
}

// UpdateBookingService saves a service's names, duration and active flag.
func (s *Store) UpdateBookingService(ctx context.Context, v *booking.Service) error {
	res, err := s.Exec(ctx, `UPDATE booking_services SET name_it = ?, name_en = ?, minutes = ?, active = ? WHERE id = ?`,
		v.NameIT, v.NameEN, v.Minutes, b2i(v.Active), v.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("service %d: %w", v.ID, model.ErrNotFound)
	}
	return nil
}

// OfficeServiceIDs returns the services an office restricts itself to; empty means all.
func (s *Store) OfficeServiceIDs(ctx context.Context, officeID int64) ([]int64, error) {
	rows, err := s.Query(ctx, `SELECT service_id FROM booking_office_services WHERE office_id = ? ORDER BY service_id`, officeID)
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

// SetOfficeServices replaces an office's service list (empty: every active service).
func (s *Store) SetOfficeServices(ctx context.Context, officeID int64, ids []int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM booking_office_services WHERE office_id = ?`, officeID); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `INSERT INTO booking_office_services (office_id, service_id) VALUES (?, ?)`, officeID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

const settingsCols = `office_id, min_days, max_days, release_min, hold_minutes, holdback_minutes, max_per_cf, max_per_email, reminder_hours, reconfirm, reconfirm_days, reconfirm_deadline_hours`

// BookingSettings returns an office's booking rules, or the defaults when none were saved.
func (s *Store) BookingSettings(ctx context.Context, officeID int64) (booking.Settings, error) {
	var v booking.Settings
	var reconfirm int
	err := s.QueryRow(ctx, `SELECT `+settingsCols+` FROM booking_settings WHERE office_id = ?`, officeID).Scan(
		&v.OfficeID, &v.MinDays, &v.MaxDays, &v.ReleaseMin, &v.HoldMinutes, &v.HoldbackMinutes, &v.MaxPerCF, &v.MaxPerEmail,
		&v.ReminderHours, &reconfirm, &v.ReconfirmDays, &v.ReconfirmDeadlineHours)
	if err := s.translate(err); errors.Is(err, model.ErrNotFound) {
		return booking.DefaultSettings(officeID), nil
	} else if err != nil {
		return v, err
	}
	v.Reconfirm = reconfirm == 1
	return v, nil
}

// SaveBookingSettings stores an office's booking rules.
func (s *Store) SaveBookingSettings(ctx context.Context, v booking.Settings) error {
	_, err := s.Exec(ctx, `INSERT INTO booking_settings (`+settingsCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (office_id) DO UPDATE SET min_days = excluded.min_days, max_days = excluded.max_days,
		release_min = excluded.release_min, hold_minutes = excluded.hold_minutes, holdback_minutes = excluded.holdback_minutes,
		max_per_cf = excluded.max_per_cf, max_per_email = excluded.max_per_email, reminder_hours = excluded.reminder_hours,
		reconfirm = excluded.reconfirm, reconfirm_days = excluded.reconfirm_days, reconfirm_deadline_hours = excluded.reconfirm_deadline_hours`,
		v.OfficeID, v.MinDays, v.MaxDays, v.ReleaseMin, v.HoldMinutes, v.HoldbackMinutes, v.MaxPerCF, v.MaxPerEmail,
		v.ReminderHours, b2i(v.Reconfirm), v.ReconfirmDays, v.ReconfirmDeadlineHours)
	return err
}

// Closures lists an office's closed days between from and to (YYYY-MM-DD, inclusive).
func (s *Store) Closures(ctx context.Context, officeID int64, from, to string) ([]booking.Closure, error) {
	rows, err := s.Query(ctx, `SELECT id, office_id, day, note FROM booking_closures WHERE office_id = ? AND day >= ? AND day <= ? ORDER BY day`, officeID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booking.Closure
	for rows.Next() {
		var c booking.Closure
		if err := rows.Scan(&c.ID, &c.OfficeID, &c.Day, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddClosure closes an office on a day; a day already closed is model.ErrConflict.
func (s *Store) AddClosure(ctx context.Context, c *booking.Closure) error {
	err := s.write.QueryRowContext(ctx, s.Rebind(`INSERT INTO booking_closures (office_id, day, note) VALUES (?, ?, ?) RETURNING id`),
		c.OfficeID, c.Day, c.Note).Scan(&c.ID)
	return s.translate(err)
}

// DeleteClosure reopens a closed day.
func (s *Store) DeleteClosure(ctx context.Context, officeID, id int64) error {
	return s.deleteOne(ctx, `DELETE FROM booking_closures WHERE office_id = ? AND id = ?`, officeID, id)
}

// Openings lists an office's exceptional openings between from and to (inclusive).
func (s *Store) Openings(ctx context.Context, officeID int64, from, to string) ([]booking.Opening, error) {
	rows, err := s.Query(ctx, `SELECT id, office_id, day, opens_min, closes_min, slot_minutes, counters, note, visible_from
		FROM booking_openings WHERE office_id = ? AND day >= ? AND day <= ? ORDER BY day, opens_min`, officeID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booking.Opening
	for rows.Next() {
		var o booking.Opening
		var vis int64
		if err := rows.Scan(&o.ID, &o.OfficeID, &o.Day, &o.OpensMin, &o.ClosesMin, &o.SlotMinutes, &o.Counters, &o.Note, &vis); err != nil {
			return nil, err
		}
		o.VisibleFrom = FromMicros(vis)
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddOpening stores an exceptional opening.
func (s *Store) AddOpening(ctx context.Context, o *booking.Opening) error {
	err := s.write.QueryRowContext(ctx, s.Rebind(`INSERT INTO booking_openings (office_id, day, opens_min, closes_min, slot_minutes, counters, note, visible_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), o.OfficeID, o.Day, o.OpensMin, o.ClosesMin, o.SlotMinutes, o.Counters, o.Note, Micros(o.VisibleFrom)).Scan(&o.ID)
	return s.translate(err)
}

// DeleteOpening removes an exceptional opening.
func (s *Store) DeleteOpening(ctx context.Context, officeID, id int64) error {
	return s.deleteOne(ctx, `DELETE FROM booking_openings WHERE office_id = ? AND id = ?`, officeID, id)
}

// AddOpeningHoursVisibleFrom inserts a weekly period that citizens see only from
// visible (zero: at once), in one transaction so it never shows early.
func (s *Store) AddOpeningHoursVisibleFrom(ctx context.Context, h *model.OpeningHours, visible time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := s.AddOpeningHours(ctx, tx, h); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE opening_hours SET visible_from = ? WHERE id = ?`, Micros(visible), h.ID)
		return err
	})
}

// OpeningHoursVisibleFrom returns when citizens start seeing each of an office's weekly
// periods, for the periods not visible from the start (the others are absent).
func (s *Store) OpeningHoursVisibleFrom(ctx context.Context, officeID int64) (map[int64]time.Time, error) {
	rows, err := s.Query(ctx, `SELECT id, visible_from FROM opening_hours WHERE office_id = ? AND visible_from <> 0`, officeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, vis int64
		if err := rows.Scan(&id, &vis); err != nil {
			return nil, err
		}
		out[id] = FromMicros(vis)
	}
	return out, rows.Err()
}

// DeleteOpeningHours removes one weekly period of an office.
func (s *Store) DeleteOpeningHours(ctx context.Context, officeID, id int64) error {
	return s.deleteOne(ctx, `DELETE FROM opening_hours WHERE office_id = ? AND id = ?`, officeID, id)
}

func (s *Store) deleteOne(ctx context.Context, q string, args ...any) error {
	res, err := s.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
