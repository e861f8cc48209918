package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
)

const bookingCols = `id, code, office_id, service_id, start, end_at, people, mode, state, hold_expires, email, phone, lang,
	created_by, created_at, confirmed_at, cancelled_at, release_at, released, reconfirm_required, reconfirmed_at, version`

func scanBooking(sc interface{ Scan(...any) error }) (*booking.Booking, error) {
	var b booking.Booking
	var start, end, hold, created, confirmed, cancelled, release, reconfirmed int64
	var released, reconfirm int
	var mode string
	err := sc.Scan(&b.ID, &b.Code, &b.OfficeID, &b.ServiceID, &start, &end, &b.People, &mode, &b.State, &hold, &b.Email, &b.Phone, &b.Lang,
		&b.CreatedBy, &created, &confirmed, &cancelled, &release, &released, &reconfirm, &reconfirmed, &b.Version)
	if err != nil {
		return nil, err
	}
	b.Mode = booking.Mode(mode)
	b.Start, b.End, b.HoldExpires = FromMicros(start), FromMicros(end), FromMicros(hold)
	b.CreatedAt, b.ConfirmedAt, b.CancelledAt = FromMicros(created), FromMicros(confirmed), FromMicros(cancelled)
	b.ReleaseAt, b.ReconfirmedAt = FromMicros(release), FromMicros(reconfirmed)
	b.Released, b.ReconfirmRequired = released == 1, reconfirm == 1
	return &b, nil
}

// InsertBooking stores a new booking with its units (and persons, if any) in tx.
// A taken code is model.ErrConflict; the caller draws another.
func (s *Store) InsertBooking(ctx context.Context, tx *Tx, b *booking.Booking) error {
	err := tx.QueryRow(ctx, `INSERT INTO bookings (code, office_id, service_id, start, end_at, people, mode, state, hold_expires,
		email, phone, lang, created_by, created_at, confirmed_at, reconfirm_required, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Code, b.OfficeID, b.ServiceID, Micros(b.Start), Micros(b.End), b.People, string(b.Mode), b.State, Micros(b.HoldExpires),
		b.Email, b.Phone, b.Lang, b.CreatedBy, Micros(b.CreatedAt), Micros(b.ConfirmedAt), b2i(b.ReconfirmRequired), b.Version).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("insert booking: %w", s.translate(err))
	}
	if err := s.replaceUnits(ctx, tx, b); err != nil {
		return err
	}
	return s.InsertPersons(ctx, tx, b)
}

// UpdateBooking saves a booking's mutable fields; with units true it also rewrites the
// capacity rows it holds (after a move).
func (s *Store) UpdateBooking(ctx context.Context, tx *Tx, b *booking.Booking, units bool) error {
	res, err := tx.Exec(ctx, `UPDATE bookings SET start = ?, end_at = ?, state = ?, hold_expires = ?, email = ?, phone = ?, lang = ?,
		confirmed_at = ?, cancelled_at = ?, release_at = ?, released = ?, reconfirm_required = ?, reconfirmed_at = ?, version = ? WHERE id = ?`,
		Micros(b.Start), Micros(b.End), b.State, Micros(b.HoldExpires), b.Email, b.Phone, b.Lang, Micros(b.ConfirmedAt), Micros(b.CancelledAt),
		Micros(b.ReleaseAt), b2i(b.Released), b2i(b.ReconfirmRequired), Micros(b.ReconfirmedAt), b.Version, b.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("booking %d: %w", b.ID, model.ErrNotFound)
	}
	if units {
		if _, err := tx.Exec(ctx, `DELETE FROM booking_units WHERE booking_id = ?`, b.ID); err != nil {
			return err
		}
		return s.replaceUnits(ctx, tx, b)
	}
	return nil
}

func (s *Store) replaceUnits(ctx context.Context, tx *Tx, b *booking.Booking) error {
	if len(b.Units) == 0 {
		return nil
	}
	q := `INSERT INTO booking_units (booking_id, start, n) VALUES ` + rows(len(b.Units), 3)
	args := make([]any, 0, 3*len(b.Units))
	for _, u := range b.Units {
		args = append(args, b.ID, Micros(u.Start), u.N)
	}
	_, err := tx.Exec(ctx, q, args...)
	return err
}

// rows returns n placeholder tuples of width w: "(?, ?), (?, ?)".
func rows(n, w int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", w), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}

// ReplacePersons rewrites the people of a booking.
func (s *Store) ReplacePersons(ctx context.Context, tx *Tx, b *booking.Booking) error {
	if _, err := tx.Exec(ctx, `DELETE FROM booking_people WHERE booking_id = ?`, b.ID); err != nil {
		return err
	}
	return s.InsertPersons(ctx, tx, b)
}

// InsertPersons adds the people of a booking that has none yet (a hold being confirmed).
func (s *Store) InsertPersons(ctx context.Context, tx *Tx, b *booking.Booking) error {
	if len(b.Persons) == 0 {
		return nil
	}
	args := make([]any, 0, 6*len(b.Persons))
	for i, p := range b.Persons {
		args = append(args, b.ID, i, p.Name, p.Surname, p.CF, booking.CapKey(p.CF))
	}
	_, err := tx.Exec(ctx, `INSERT INTO booking_people (booking_id, idx, name, surname, cf, cf_key) VALUES `+rows(len(b.Persons), 6), args...)
	return err
}

// BookingByID reads a booking with its persons and units through q: a *Tx (locking the
// row on PostgreSQL, so concurrent changes to one booking queue up) or Reader().
func (s *Store) BookingByID(ctx context.Context, q Querier, id int64) (*booking.Booking, error) {
	sql := `SELECT ` + bookingCols + ` FROM bookings WHERE id = ?`
	if _, ok := q.(*Tx); ok && s.dialect == Postgres {
		sql += ` FOR UPDATE`
	}
	b, err := scanBooking(q.QueryRowContext(ctx, s.Rebind(sql), id))
	if err != nil {
		return nil, fmt.Errorf("booking %d: %w", id, s.translate(err))
	}
	if err := s.loadDetails(ctx, q, []*booking.Booking{b}); err != nil {
		return nil, err
	}
	return b, nil
}

// BookingHeader reads a booking without its persons and units, locking the row on
// PostgreSQL when q is a *Tx.
func (s *Store) BookingHeader(ctx context.Context, q Querier, id int64) (*booking.Booking, error) {
	sql := `SELECT ` + bookingCols + ` FROM bookings WHERE id = ?`
	if _, ok := q.(*Tx); ok && s.dialect == Postgres {
		sql += ` FOR UPDATE`
	}
	b, err := scanBooking(q.QueryRowContext(ctx, s.Rebind(sql), id))
	if err != nil {
		return nil, fmt.Errorf("booking %d: %w", id, s.translate(err))
	}
	return b, nil
}

// BookingByCode finds a booking by the reference printed for the citizen.
func (s *Store) BookingByCode(ctx context.Context, code string) (*booking.Booking, error) {
	var id int64
	if err := s.QueryRow(ctx, `SELECT id FROM bookings WHERE code = ?`, code).Scan(&id); err != nil {
		return nil, fmt.Errorf("booking %q: %w", code, s.translate(err))
	}
	return s.BookingByID(ctx, s.Reader(), id)
}

// BookingsBetween lists an office's bookings starting in [from, to), any state, by start.
func (s *Store) BookingsBetween(ctx context.Context, officeID int64, from, to time.Time) ([]*booking.Booking, error) {
	rows, err := s.Query(ctx, `SELECT `+bookingCols+` FROM bookings WHERE office_id = ? AND start >= ? AND start < ? ORDER BY start, id`,
		officeID, Micros(from), Micros(to))
	if err != nil {
		return nil, err
	}
	var out []*booking.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadDetails(ctx, s.Reader(), out)
}

// SearchBookingsByCF lists bookings of a codice fiscale (any omocodic variant), newest first.
func (s *Store) SearchBookingsByCF(ctx context.Context, cf string, limit int) ([]*booking.Booking, error) {
	ids, err := s.ids(ctx, nil, `SELECT DISTINCT b.id FROM bookings b JOIN booking_people p ON p.booking_id = b.id
		WHERE p.cf_key = ? ORDER BY b.id DESC LIMIT ?`, booking.CapKey(cf), limit)
	if err != nil {
		return nil, err
	}
	out := make([]*booking.Booking, 0, len(ids))
	for _, id := range ids {
		b, err := s.BookingByID(ctx, s.Reader(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func (s *Store) loadDetails(ctx context.Context, q Querier, bs []*booking.Booking) error {
	for _, b := range bs {
		rows, err := q.QueryContext(ctx, s.Rebind(`SELECT name, surname, cf FROM booking_people WHERE booking_id = ? ORDER BY idx`), b.ID)
		if err != nil {
			return s.translate(err)
		}
		b.Persons = b.Persons[:0]
		for rows.Next() {
			var p booking.Person
			if err := rows.Scan(&p.Name, &p.Surname, &p.CF); err != nil {
				rows.Close()
				return err
			}
			b.Persons = append(b.Persons, p)
		}
		rows.Close()
		rows, err = q.QueryContext(ctx, s.Rebind(`SELECT start, n FROM booking_units WHERE booking_id = ? ORDER BY start`), b.ID)
		if err != nil {
			return s.translate(err)
		}
		b.Units = b.Units[:0]
		for rows.Next() {
			var st int64
			var u booking.Unit
			if err := rows.Scan(&st, &u.N); err != nil {
				rows.Close()
				return err
			}
			u.Start = FromMicros(st)
			b.Units = append(b.Units, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// ActiveCounts returns how many active future bookings hold each cap key and the e-mail,
// not counting booking except; read inside tx so the caps hold under concurrency (on
// PostgreSQL the caller takes advisory locks on the keys first).
func (s *Store) ActiveCounts(ctx context.Context, tx *Tx, capKeys []string, email string, except int64, now time.Time) (perCF map[string]int, perEmail int, err error) {
	perCF = map[string]int{}
	if len(capKeys) > 0 {
		args := []any{}
		for _, k := range capKeys {
			args = append(args, k)
		}
		args = append(args, except, Micros(now))
		rows, err := tx.Query(ctx, `SELECT p.cf_key, COUNT(DISTINCT b.id) FROM booking_people p JOIN bookings b ON b.id = p.booking_id
			WHERE p.cf_key IN (`+placeholders(len(capKeys))+`) AND b.id <> ? AND b.state IN ('held', 'confirmed', 'arrived') AND b.start >= ?
			GROUP BY p.cf_key`, args...)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, 0, err
			}
			perCF[k] = n
		}
		rows.Close()
	}
	if email == "" {
		// A phone caller booked by a clerk has no address: no cap to count (held
		// bookings have none either, so counting '' would count every hold).
		return perCF, 0, nil
	}
	err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM bookings WHERE email = ? AND id <> ? AND state IN ('held', 'confirmed', 'arrived') AND start >= ?`,
		email, except, Micros(now)).Scan(&perEmail)
	return perCF, perEmail, s.translate(err)
}

// LockKeys serialises transactions on the same keys (codice fiscale, e-mail) on
// PostgreSQL with transaction-scoped advisory locks taken in sorted order; SQLite needs
// nothing because its writers already run one at a time.
func (s *Store) LockKeys(ctx context.Context, tx *Tx, keys []string) error {
	if s.dialect != Postgres {
		return nil
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text)))`, "booking:"+k); err != nil {
			return err
		}
	}
	return nil
}

// PurgeBookingPeople erases the personal data of bookings that ended before before:
// their people rows, e-mail and telephone. The booking rows stay for statistics
// (office, service, time, outcome) without anyone's identity.
func (s *Store) PurgeBookingPeople(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM booking_people WHERE booking_id IN (SELECT id FROM bookings WHERE end_at < ?)`, Micros(before)); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE bookings SET email = '', phone = '' WHERE end_at < ? AND (email <> '' OR phone <> '')`, Micros(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
