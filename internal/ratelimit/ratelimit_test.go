package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

func TestBucketRefillsAndHeaders(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if r := l.Allow("a"); !r.Allowed || r.Remaining != 2-i {
			t.Fatalf("call %d: %+v", i, r)
		}
	}
	r := l.Allow("a")
	if r.Allowed {
		t.Fatal("4th call allowed")
	}
	h := http.Header{}
	r.SetHeaders(h)
	if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("Retry-After") == "" || h.Get("X-RateLimit-Reset") != "60" {
		t.Errorf("headers %v", h)
	}
	if other := l.Allow("b"); !other.Allowed {
		t.Error("keys are not independent")
	}
	now = now.Add(20 * time.Second) // one token back (3 per minute)
	if r := l.Allow("a"); !r.Allowed {
		t.Errorf("after refill: %+v", r)
	}
	if r := l.Allow("a"); r.Allowed {
		t.Errorf("only one token should have come back: %+v", r)
	}
}

func TestSweepForgetsIdleKeys(t *testing.T) {
	now := time.Now()
	l := New(1, time.Second)
	l.Now = func() time.Time { return now }
	for i := 0; i < 100; i++ {
		l.Allow(string(rune('a' + i%26)))
	}
	now = now.Add(time.Hour)
	l.sweep(now)
	if len(l.buckets) != 0 {
		t.Errorf("%d buckets left after sweep", len(l.buckets))
	}
}
