package nis

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"
)

// MinChallengeSize is the shortest challenge accepted: 128 bits, so guessing the next
// challenge and pre-recording a card's answer to it is hopeless.
const MinChallengeSize = 16

// Challenge errors, distinct so an access point can log why a badge was refused.
var (
	ErrUnknownChallenge  = errors.New("nis: challenge unknown or already used")
	ErrChallengeExpired  = errors.New("nis: challenge expired")
	ErrTooManyChallenges = errors.New("nis: too many outstanding challenges")
)

// ChallengerConfig tunes a Challenger; zero fields take the defaults.
type ChallengerConfig struct {
	TTL            time.Duration    // how long a challenge may be answered (default 2 minutes)
	Size           int              // bytes per challenge (default and minimum 16)
	MaxOutstanding int              // bound on unanswered challenges (default 100000)
	Now            func() time.Time // clock, swappable in tests (default time.Now)
}

// Challenger issues random challenges for internal authentication and accepts each
// answer once. The official SDKs drew challenges from rand() and never expired them;
// here they come from crypto/rand, expire, and a replayed answer is refused. It is
// safe for concurrent use.
type Challenger struct {
	cfg    ChallengerConfig
	mu     sync.Mutex
	issued map[string]time.Time // challenge → expiry
}

// NewChallenger makes a Challenger.
func NewChallenger(cfg ChallengerConfig) (*Challenger, error) {
	if cfg.TTL == 0 {
		cfg.TTL = 2 * time.Minute
	}
	if cfg.Size == 0 {
		cfg.Size = MinChallengeSize
	}
	if cfg.MaxOutstanding == 0 {
		cfg.MaxOutstanding = 100000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Size < MinChallengeSize || cfg.Size > 128 || cfg.TTL < 0 || cfg.MaxOutstanding < 0 {
		return nil, fmt.Errorf("nis: challenge size %d must be %d–128 bytes", cfg.Size, MinChallengeSize)
	}
	return &Challenger{cfg: cfg, issued: map[string]time.Time{}}, nil
}

// Issue returns a fresh challenge to send to the card.
func (c *Challenger) Issue() ([]byte, error) {
	b := make([]byte, c.cfg.Size)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("nis: %w", err)
	}
	now := c.cfg.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.issued) >= c.cfg.MaxOutstanding {
		for k, exp := range c.issued {
			if now.After(exp) {
				delete(c.issued, k)
			}
		}
		if len(c.issued) >= c.cfg.MaxOutstanding {
			return nil, ErrTooManyChallenges
		}
	}
	c.issued[string(b)] = now.Add(c.cfg.TTL)
	return b, nil
}

// Redeem consumes a challenge: it succeeds once per issued, unexpired challenge.
func (c *Challenger) Redeem(challenge []byte) error {
	now := c.cfg.Now()
	c.mu.Lock()
	exp, ok := c.issued[string(challenge)]
	delete(c.issued, string(challenge))
	c.mu.Unlock()
	if !ok {
		return ErrUnknownChallenge
	}
	if now.After(exp) {
		return ErrChallengeExpired
	}
	return nil
}
