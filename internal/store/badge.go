package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/sportello/sportello/internal/model"
)

// CreateBadgeEnrolment stores an enrolment; a card enrolled twice is model.ErrConflict.
func (s *Store) CreateBadgeEnrolment(ctx context.Context, e *model.BadgeEnrolment) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.Now()
	}
	err := s.write.QueryRowContext(ctx, s.Rebind(`INSERT INTO badge_enrolments (nis_mac, nis_tail, key_hash, holder, grp, created_at, created_by, disabled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		e.NISMAC, e.NISTail, e.KeyHash, e.Holder, e.Group, Micros(e.CreatedAt), e.CreatedBy, e.Disabled).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("enrol badge: %w", s.translate(err))
	}
	return nil
}

const badgeCols = `id, nis_mac, nis_tail, key_hash, holder, grp, created_at, created_by, disabled`

func scanBadge(sc interface{ Scan(...any) error }) (*model.BadgeEnrolment, error) {
	var e model.BadgeEnrolment
	var at int64
	if err := sc.Scan(&e.ID, &e.NISMAC, &e.NISTail, &e.KeyHash, &e.Holder, &e.Group, &at, &e.CreatedBy, &e.Disabled); err != nil {
		return nil, err
	}
	e.CreatedAt = FromMicros(at)
	return &e, nil
}

// BadgeByNISMAC finds the enrolment of a card.
func (s *Store) BadgeByNISMAC(ctx context.Context, mac string) (*model.BadgeEnrolment, error) {
	e, err := scanBadge(s.QueryRow(ctx, `SELECT `+badgeCols+` FROM badge_enrolments WHERE nis_mac = ?`, mac))
	if err != nil {
		return nil, fmt.Errorf("badge: %w", s.translate(err))
	}
	return e, nil
}

// ListBadges returns every enrolment, newest first.
func (s *Store) ListBadges(ctx context.Context) ([]*model.BadgeEnrolment, error) {
	rows, err := s.Query(ctx, `SELECT `+badgeCols+` FROM badge_enrolments ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.BadgeEnrolment
	for rows.Next() {
		e, err := scanBadge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetBadgeDisabled revokes or restores a badge.
func (s *Store) SetBadgeDisabled(ctx context.Context, id int64, disabled bool) error {
	res, err := s.Exec(ctx, `UPDATE badge_enrolments SET disabled = ? WHERE id = ?`, disabled, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("badge %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// CreateBadgePoint stores an access point; a taken code is model.ErrConflict.
func (s *Store) CreateBadgePoint(ctx context.Context, p *model.BadgePoint) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.Now()
	}
	err := s.write.QueryRowContext(ctx, s.Rebind(`INSERT INTO badge_points (code, name, groups, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		p.Code, p.Name, strings.Join(p.Groups, ","), Micros(p.CreatedAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("create access point %q: %w", p.Code, s.translate(err))
	}
	return nil
}

func scanPoint(sc interface{ Scan(...any) error }) (*model.BadgePoint, error) {
	var p model.BadgePoint
	var groups string
	var at int64
	if err := sc.Scan(&p.ID, &p.Code, &p.Name, &groups, &at); err != nil {
		return nil, err
	}
	p.Groups = strings.Split(groups, ",")
	p.CreatedAt = FromMicros(at)
	return &p, nil
}

// BadgePointByCode finds an access point.
func (s *Store) BadgePointByCode(ctx context.Context, code string) (*model.BadgePoint, error) {
	p, err := scanPoint(s.QueryRow(ctx, `SELECT id, code, name, groups, created_at FROM badge_points WHERE code = ?`, code))
	if err != nil {
		return nil, fmt.Errorf("access point %q: %w", code, s.translate(err))
	}
	return p, nil
}

// ListBadgePoints returns every access point by code.
func (s *Store) ListBadgePoints(ctx context.Context) ([]*model.BadgePoint, error) {
	rows, err := s.Query(ctx, `SELECT id, code, name, groups, created_at FROM badge_points ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.BadgePoint
	for rows.Next() {
		p, err := scanPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
