package model

import (
	"regexp"
	"strings"
	"time"
)

// BadgeEnrolment links a CIE (by its NIS and the hash of its internal-authentication
// key) to a holder and a group, so the card can open doors without a PIN. The NIS itself
// is not kept: NISMAC is its keyed hash and NISTail its last four digits.
type BadgeEnrolment struct {
	ID        int64
	NISMAC    string
	NISTail   string
	KeyHash   string // hex SHA-256 of Kpub's DER
	Holder    string
	Group     string
	CreatedAt time.Time
	CreatedBy string
	Disabled  bool
}

// BadgePoint is a door, turnstile or desk that admits some groups.
type BadgePoint struct {
	ID        int64
	Code      string
	Name      string
	Groups    []string
	CreatedAt time.Time
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Validate checks an enrolment's typed fields.
func (e *BadgeEnrolment) Validate() error {
	e.Holder = strings.TrimSpace(e.Holder)
	e.Group = strings.ToLower(strings.TrimSpace(e.Group))
	if e.Holder == "" || len(e.Holder) > 200 {
		return FieldError("holder", "holder name is required (at most 200 characters)")
	}
	if !codeRE.MatchString(e.Group) {
		return FieldError("group", "group must be 2-40 lower-case letters, digits or dashes")
	}
	return nil
}

// Validate checks an access point's typed fields.
func (p *BadgePoint) Validate() error {
	p.Code = strings.ToLower(strings.TrimSpace(p.Code))
	if !codeRE.MatchString(p.Code) {
		return FieldError("code", "code must be 2-40 lower-case letters, digits or dashes")
	}
	if strings.TrimSpace(p.Name) == "" {
		return FieldError("name", "name is required")
	}
	if len(p.Groups) == 0 {
		return FieldError("groups", "at least one group must be admitted")
	}
	for i, g := range p.Groups {
		p.Groups[i] = strings.ToLower(strings.TrimSpace(g))
		if !codeRE.MatchString(p.Groups[i]) {
			return FieldError("groups", "group %q: lower-case letters, digits or dashes", g)
		}
	}
	return nil
}

// Admits reports whether the point lets a group in.
func (p *BadgePoint) Admits(group string) bool {
	for _, g := range p.Groups {
		if g == group {
			return true
		}
	}
	return false
}
