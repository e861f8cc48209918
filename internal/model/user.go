package model

import (
	"regexp"
	"time"
)

// Role decides what an operator may do.
type Role string

// Roles: admins manage accounts and offices; operators work at the counter.
const (
	RoleAdmin    Role = "admin"
	RoleOperator Role = "operator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleOperator }

// User is an operator account (clerk, project office, admin). Citizens never have one.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// Validate checks the fields an admin types.
func (u *User) Validate() error {
	if !usernameRE.MatchString(u.Username) {
		return FieldError("username", "username must be 3-64 characters: lower-case letters, digits, dot, dash, underscore")
	}
	if !u.Role.Valid() {
		return FieldError("role", "role must be admin or operator")
	}
	if len(u.DisplayName) > 200 {
		return FieldError("display_name", "name is too long")
	}
	return nil
}

// Session is a logged-in operator's browser session; only the token's hash is stored.
type Session struct {
	TokenHash []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
}
