package store

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/model"
)

const userCols = `id, username, display_name, role, password_hash, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var created int64
	var role string
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.PasswordHash, &u.Disabled, &created); err != nil {
		return nil, err
	}
	u.Role = model.Role(role)
	u.CreatedAt = FromMicros(created)
	return &u, nil
}

// CreateUser inserts u (already validated and hashed) and sets its ID.
// A taken username is model.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.Now()
	}
	err := s.write.QueryRowContext(ctx, s.Rebind(`INSERT INTO users (username, display_name, role, password_hash, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Username, u.DisplayName, string(u.Role), u.PasswordHash, u.Disabled, Micros(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user %q: %w", u.Username, s.translate(err))
	}
	return nil
}

// UserByUsername finds an account by its login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	u, err := scanUser(s.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", username, s.translate(err))
	}
	return u, nil
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	u, err := scanUser(s.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, s.translate(err))
	}
	return u, nil
}

// ListUsers returns every account, by username.
func (s *Store) ListUsers(ctx context.Context) ([]*model.User, error) {
	rows, err := s.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserDisabled disables or re-enables an account and ends its sessions when disabling.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", id, model.ErrNotFound)
		}
		if disabled {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		}
		return err
	})
}

// SetUserPassword replaces an account's password hash and ends its sessions.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", id, model.ErrNotFound)
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		return err
	})
}

// CountUsers tells whether the first admin still has to be created.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, s.translate(err)
}
