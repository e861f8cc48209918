// Package ratelimit is a keyed token-bucket limiter that also fills the
// X-RateLimit-Limit/Remaining/Reset headers PRODUCT.md §6 asks every API to send.
package ratelimit

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limiter allows Burst events at once per key and refills at Burst per Window.
// It lives in memory: a restart forgives everyone, which is acceptable for throttling.
type Limiter struct {
	Burst  int
	Window time.Duration
	Now    func() time.Time
	// MaxKeys bounds memory. When full even after forgetting idle keys, new keys are
	// refused (fail closed): a flood of fresh keys must not switch the limit off.
	MaxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweeps  int
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New makes a limiter of burst events per window.
func New(burst int, window time.Duration) *Limiter {
	return &Limiter{Burst: burst, Window: window, Now: time.Now, MaxKeys: 100000, buckets: map[string]*bucket{}}
}

// Result is one decision and what the client should be told.
type Result struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Duration // until the bucket is full again
	Retry     time.Duration // until the next event is allowed (0 when allowed)
}

// Allow takes one token for key.
func (l *Limiter) Allow(key string) Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	rate := float64(l.Burst) / l.Window.Seconds()
	b, ok := l.buckets[key]
	if !ok {
		if l.MaxKeys > 0 && len(l.buckets) >= l.MaxKeys {
			l.sweep(now)
		}
		if l.MaxKeys > 0 && len(l.buckets) >= l.MaxKeys {
			return Result{Limit: l.Burst, Reset: l.Window, Retry: l.Window / time.Duration(max(1, l.Burst))}
		}
		b = &bucket{tokens: float64(l.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	r := Result{Limit: l.Burst}
	if b.tokens >= 1 {
		b.tokens--
		r.Allowed = true
	}
	r.Remaining = int(b.tokens)
	r.Reset = time.Duration((float64(l.Burst) - b.tokens) / rate * float64(time.Second))
	if !r.Allowed {
		r.Retry = time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	l.sweeps++
	if l.sweeps >= 10000 {
		l.sweep(now)
	}
	return r
}

// Refund gives back one event to key, e.g. for a login that succeeded.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.tokens = min(float64(l.Burst), b.tokens+1)
	}
}

// sweep forgets full buckets so the map does not grow with every address ever seen.
func (l *Limiter) sweep(now time.Time) {
	l.sweeps = 0
	for k, b := range l.buckets {
		if now.Sub(b.last) > l.Window {
			delete(l.buckets, k)
		}
	}
}

// SetHeaders writes the X-RateLimit-* headers (Reset in seconds) and Retry-After when denied.
func (r Result) SetHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(r.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(r.Remaining))
	secs := int((r.Reset + time.Second - 1) / time.Second)
	h.Set("X-RateLimit-Reset", strconv.Itoa(secs))
	if !r.Allowed {
		h.Set("Retry-After", strconv.Itoa(max(1, int((r.Retry+time.Second-1)/time.Second))))
	}
}
