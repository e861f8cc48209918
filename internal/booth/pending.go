package booth

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// pendingSet holds crops a booth has shown but the citizen has not yet confirmed. It
// lives in memory only, holds at most a few and forgets them after a few minutes: a
// photo that is never confirmed is never written anywhere.
type pendingSet struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	items map[string]pendingItem
}

type pendingItem struct {
	boothID int64
	verdict *Verdict
	expires time.Time
}

func newPendingSet(max int, ttl time.Duration) *pendingSet {
	return &pendingSet{max: max, ttl: ttl, items: map[string]pendingItem{}}
}

func (p *pendingSet) put(now time.Time, boothID int64, v *Verdict) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, it := range p.items {
		if now.After(it.expires) || it.boothID == boothID { // one pending photo per booth
			delete(p.items, k)
		}
	}
	if len(p.items) >= p.max {
		for k := range p.items { // full: drop any one; booths outnumbering max is a misconfiguration
			delete(p.items, k)
			break
		}
	}
	p.items[id] = pendingItem{boothID: boothID, verdict: v, expires: now.Add(p.ttl)}
	return id
}

func (p *pendingSet) take(now time.Time, boothID int64, id string) (*Verdict, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, ok := p.items[id]
	if !ok || it.boothID != boothID || now.After(it.expires) {
		return nil, false
	}
	delete(p.items, id)
	return it.verdict, true
}

// Hold keeps a booth's compliant capture until the citizen confirms it and returns the
// id to confirm with.
func (s *Service) Hold(boothID int64, v *Verdict) string { return s.pending.put(s.Now(), boothID, v) }

// Take returns, once, the capture a booth held.
func (s *Service) Take(boothID int64, id string) (*Verdict, error) {
	v, ok := s.pending.take(s.Now(), boothID, id)
	if !ok {
		return nil, model.Errorf(model.ENOTFOUND, "Foto non più disponibile: la rifaccia / Photo no longer available: please take it again")
	}
	return v, nil
}
