package phonebot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Guard limits wrong answers per letter code across calls. A Dialog sends a caller to
// an operator after three wrong tries, but a caller who hangs up and calls again starts
// afresh; the birth year has only about a hundred likely values, so without a limit per
// code anyone holding a letter's code could find the year in a few calls. After Max
// wrong years for a code within Window, the code matches nothing until the window has
// passed, whatever is keyed in, so a locked code tells the caller nothing new.
type Guard struct {
	Backend
	Max    int           // wrong tries per code (default 5)
	Window time.Duration // default 24 h
	Now    func() time.Time

	mu    sync.Mutex
	fails map[string][]time.Time
}

// Find refuses a locked code and counts ErrNoMatch against the code.
func (g *Guard) Find(ctx context.Context, code string, birthYear int) (*Proposal, error) {
	now, max, window := g.params()
	g.mu.Lock()
	if g.fails == nil {
		g.fails = map[string][]time.Time{}
	}
	recent := g.fails[code][:0]
	for _, t := range g.fails[code] {
		if now.Sub(t) < window {
			recent = append(recent, t)
		}
	}
	g.fails[code] = recent
	if len(recent) == 0 {
		delete(g.fails, code)
	}
	locked := len(recent) >= max
	g.mu.Unlock()
	if locked {
		return nil, ErrNoMatch
	}
	p, err := g.Backend.Find(ctx, code, birthYear)
	if errors.Is(err, ErrNoMatch) {
		g.mu.Lock()
		g.fails[code] = append(g.fails[code], now)
		g.sweep(now, window)
		g.mu.Unlock()
	}
	return p, err
}

func (g *Guard) params() (time.Time, int, time.Duration) {
	now := time.Now()
	if g.Now != nil {
		now = g.Now()
	}
	max, window := g.Max, g.Window
	if max <= 0 {
		max = 5
	}
	if window <= 0 {
		window = 24 * time.Hour
	}
	return now, max, window
}

// sweep drops codes whose failures have all aged out, so random codes keyed by a
// prankster do not pile up; it runs when the map has grown, keeping Find cheap.
func (g *Guard) sweep(now time.Time, window time.Duration) {
	if len(g.fails) < 4096 {
		return
	}
	for code, ts := range g.fails {
		if now.Sub(ts[len(ts)-1]) >= window {
			delete(g.fails, code)
		}
	}
}
