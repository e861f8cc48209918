package store

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/model"
)

// CreateSession stores a new login session (the token's hash only).
func (s *Store) CreateSession(ctx context.Context, ss *model.Session) error {
	_, err := s.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)`,
		ss.TokenHash, ss.UserID, Micros(ss.CreatedAt), Micros(ss.ExpiresAt), ss.IP)
	return err
}

// SessionUser returns the enabled user of an unexpired session.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (*model.User, error) {
	u, err := scanUser(s.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`, tokenHash, Micros(s.Now())))
	if err != nil {
		return nil, fmt.Errorf("session: %w", s.translate(err))
	}
	return u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry; a periodic job calls it.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, Micros(s.Now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
