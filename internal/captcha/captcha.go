// Package captcha is the proof-of-work check on the booking hold step (ALTCHA,
// altcha-lib-go): the browser spends a fraction of a second of CPU per hold, which a
// citizen does not notice and a bot booking thousands of slots pays for. No external
// service is involved; challenges are HMAC-signed with a key derived from the server's
// secret, expire in minutes and are accepted once.
//
// A browser without JavaScript cannot solve a proof-of-work, and the PNRR rule forbids
// barring anyone from booking. We chose a stricter throttle over a server-rendered
// puzzle: a hold posted without the widget's field is accepted but spends a small
// per-address allowance (3 an hour) and a shared budget for all such clients (60 an
// hour, see web.BookingLimits). A citizen without JavaScript books normally; a bot that
// leaves the field out gets a handful of holds an hour, which is less than solving the
// proof-of-work would give it. A visual puzzle would add an accessibility barrier
// (WCAG 1.1.1) for no gain against bots that solve such puzzles cheaply.
package captcha

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	altcha "github.com/altcha-org/altcha-lib-go"

	"github.com/sportello/sportello/internal/model"
)

// Service makes and checks challenges.
type Service struct {
	// MaxNumber is the difficulty: the solver tries on average half of it (SHA-256).
	MaxNumber int64
	// TTL is how long a challenge may be solved and submitted.
	TTL time.Duration
	// Disabled accepts everything: for load tests of the rest of the flow only.
	Disabled bool

	key  string
	mu   sync.Mutex
	used map[string]time.Time // challenge → expiry, for single use
}

// New derives the HMAC key from the server secret, so captcha signatures cannot be
// confused with any other signed value.
func New(secret []byte) *Service {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("sportello-captcha"))
	return &Service{MaxNumber: 100_000, TTL: 10 * time.Minute, key: hex.EncodeToString(h.Sum(nil)), used: map[string]time.Time{}}
}

// Challenge makes a new challenge for the widget.
func (s *Service) Challenge() (altcha.Challenge, error) {
	exp := time.Now().Add(s.TTL)
	return altcha.CreateChallenge(altcha.ChallengeOptions{Algorithm: altcha.SHA256, MaxNumber: s.MaxNumber, HMACKey: s.key, Expires: &exp})
}

var (
	errMissing = model.FieldError("altcha", "the anti-robot check did not complete: wait for it to finish and try again")
	errInvalid = model.FieldError("altcha", "the anti-robot check failed or expired: please try again")
)

// Verify checks a base64 payload from the widget and spends it.
func (s *Service) Verify(payload string) error {
	if s.Disabled {
		return nil
	}
	if payload == "" {
		return errMissing
	}
	if len(payload) > 4096 {
		return errInvalid
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return errInvalid
	}
	var p altcha.Payload
	if err := json.Unmarshal(raw, &p); err != nil || p.Challenge == "" {
		return errInvalid
	}
	// Without an expiry in the signed salt a solution would be valid forever.
	exp, ok := expiry(p)
	if !ok || time.Now().After(exp) {
		return errInvalid
	}
	if ok, err := altcha.VerifySolutionSafe(p, s.key, true); err != nil || !ok {
		return errInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if len(s.used) > 100_000 {
		for k, e := range s.used {
			if now.After(e) {
				delete(s.used, k)
			}
		}
	}
	if _, seen := s.used[p.Challenge]; seen {
		return errInvalid
	}
	s.used[p.Challenge] = exp
	return nil
}

func expiry(p altcha.Payload) (time.Time, bool) {
	v := altcha.ExtractParams(p).Get("expires")
	if v == "" {
		return time.Time{}, false
	}
	var secs int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		secs = secs*10 + int64(c-'0')
		if secs > 1<<40 {
			return time.Time{}, false
		}
	}
	return time.Unix(secs, 0), true
}

// Solve finds the solution of a challenge and returns the payload the widget would
// send; the load benchmark and tests use it to act as a browser.
func Solve(c altcha.Challenge) (string, error) {
	sol, err := altcha.SolveChallenge(c.Challenge, c.Salt, altcha.Algorithm(c.Algorithm), int(c.MaxNumber), 0, nil)
	if err != nil {
		return "", err
	}
	if sol == nil {
		return "", model.Errorf(model.EINTERNAL, "captcha: no solution found")
	}
	b, _ := json.Marshal(altcha.Payload{Algorithm: c.Algorithm, Challenge: c.Challenge, Number: int64(sol.Number), Salt: c.Salt, Signature: c.Signature})
	return base64.StdEncoding.EncodeToString(b), nil
}
