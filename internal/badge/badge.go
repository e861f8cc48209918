// Package badge lets a CIE work as a pass (seed 004: Cinisello Balsamo's pilot; stadiums,
// libraries). A card is enrolled once by its NIS and the hash of its internal-
// authentication key; at each access the reader has the card sign a fresh challenge and
// the server checks the whole proof (IAS SOD to the CSCA, hashes, signature) before a
// lookup. The NIS alone can be cloned, so it never suffices.
package badge

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/card/nis"
	"github.com/sportello/sportello/internal/card/trust"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

//go:embed anchors/*.pem
var anchorsFS embed.FS

// DefaultAnchors returns the embedded Italian CSCA certificates.
func DefaultAnchors() (*trust.Store, error) {
	files, err := fs.Glob(anchorsFS, "anchors/*.pem")
	if err != nil {
		return nil, err
	}
	var all []byte
	for _, f := range files {
		b, err := anchorsFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		all = append(all, b...)
	}
	certs, err := trust.ParseCertificates(all)
	if err != nil {
		return nil, err
	}
	return trust.NewStore(certs...), nil
}

// Decision is the answer at an access point.
type Decision struct {
	Granted bool      `json:"granted"`
	Reason  string    `json:"reason"` // machine-readable: granted, not_genuine, not_enrolled, key_mismatch, revoked, group_not_admitted
	Holder  string    `json:"holder,omitempty"`
	Group   string    `json:"group,omitempty"`
	Point   string    `json:"point"`
	At      time.Time `json:"at"`
	Detail  string    `json:"detail,omitempty"`
}

// Service enrols cards and decides accesses.
type Service struct {
	Store      *store.Store
	Trust      *trust.Store
	Challenger *nis.Challenger
	key        []byte // HMAC key for NIS lookups
	Now        func() time.Time

	mu   sync.Mutex
	last map[string]Decision // per access point, for its display page
}

// New makes a service. key is the server secret; the NIS HMAC key is derived from it so
// it differs from the keys used for links and photos.
func New(st *store.Store, ts *trust.Store, serverKey []byte) (*Service, error) {
	ch, err := nis.NewChallenger(nis.ChallengerConfig{Size: 32})
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, serverKey)
	m.Write([]byte("sportello badge nis v1"))
	return &Service{Store: st, Trust: ts, Challenger: ch, key: m.Sum(nil), Now: time.Now, last: map[string]Decision{}}, nil
}

// NISMAC is the stored lookup key of a NIS.
func (s *Service) NISMAC(nisDigits string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(nisDigits))
	return hex.EncodeToString(m.Sum(nil))
}

// Challenge issues a fresh challenge for a card to sign.
func (s *Service) Challenge() ([]byte, error) {
	c, err := s.Challenger.Issue()
	if errors.Is(err, nis.ErrTooManyChallenges) {
		return nil, model.Errorf(model.ERATELIMIT, "too many outstanding challenges; try again shortly")
	}
	return c, err
}

// Verify checks a proof (challenge redeemed once) and reports why it fails, if it does.
func (s *Service) Verify(p nis.Proof) (*nis.Result, error) {
	return nis.Verify(p, s.Trust, s.Challenger, s.Now())
}

// Enrol verifies the proof and stores the card for holder and group.
func (s *Service) Enrol(ctx context.Context, res *nis.Result, holder, group, by string) (*model.BadgeEnrolment, error) {
	if res == nil || !res.OK {
		reason := "no proof"
		if res != nil {
			reason = res.Reason
		}
		return nil, model.Errorf(model.EINVALID, "the card is not genuine: %s", reason)
	}
	e := &model.BadgeEnrolment{NISMAC: s.NISMAC(res.NIS), NISTail: tail(res.NIS), KeyHash: res.KeyHash, Holder: holder, Group: group, CreatedBy: by}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := s.Store.CreateBadgeEnrolment(ctx, e); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return nil, model.Errorf(model.ECONFLICT, "this card is already enrolled")
		}
		return nil, err
	}
	return e, nil
}

func tail(n string) string {
	if len(n) <= 4 {
		return n
	}
	return n[len(n)-4:]
}

// Access decides whether the card behind proof may pass point, and audits the attempt
// whatever the answer.
func (s *Service) Access(ctx context.Context, pointCode string, p nis.Proof, ip string) (*Decision, error) {
	point, err := s.Store.BadgePointByCode(ctx, pointCode)
	if err != nil {
		return nil, err
	}
	d := &Decision{Point: point.Code, At: s.Now().UTC()}
	res, err := s.Verify(p)
	if err != nil {
		return nil, err
	}
	var object string
	switch {
	case !res.OK:
		d.Reason, d.Detail = "not_genuine", res.Reason
	default:
		e, err := s.Store.BadgeByNISMAC(ctx, s.NISMAC(res.NIS))
		switch {
		case errors.Is(err, model.ErrNotFound):
			d.Reason = "not_enrolled"
		case err != nil:
			return nil, err
		case !hmac.Equal([]byte(e.KeyHash), []byte(res.KeyHash)):
			// Same NIS, another key: a cloned NIS on a different chip.
			d.Reason = "key_mismatch"
			object = fmt.Sprintf("badge:%d", e.ID)
		case e.Disabled:
			d.Reason = "revoked"
			object = fmt.Sprintf("badge:%d", e.ID)
		case !point.Admits(e.Group):
			d.Reason, d.Holder, d.Group = "group_not_admitted", e.Holder, e.Group
			object = fmt.Sprintf("badge:%d", e.ID)
		default:
			d.Granted, d.Reason, d.Holder, d.Group = true, "granted", e.Holder, e.Group
			object = fmt.Sprintf("badge:%d", e.ID)
		}
	}
	action := "badge.denied"
	if d.Granted {
		action = "badge.granted"
	}
	if err := s.Store.Audit(ctx, &model.AuditEntry{Actor: "point:" + point.Code, Action: action, Object: object, IP: ip, Detail: d.Reason}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.last[point.Code] = *d
	s.mu.Unlock()
	return d, nil
}

// Last is the latest decision at a point, for its display.
func (s *Service) Last(point string) (Decision, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.last[point]
	return d, ok
}
