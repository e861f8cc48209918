package outreach

import (
	"sync"
	"time"
)

// pacer spreads proposal e-mails at the relay's rate. Each message is given its own
// send time, once, when its job first runs; a job that is early is deferred to it
// (jobs.Later) instead of sleeping in a worker, so a campaign send of tens of thousands
// of messages never holds up a booking's confirmation queued behind it. The booked
// times live in memory: after a restart the deferred jobs simply book again, in the
// order they come due. Each instance paces on its own.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time           // first free send time
	booked   map[int64]time.Time // proposal → its send time
}

func newPacer(perMinute int) *pacer {
	return &pacer{interval: time.Minute / time.Duration(max(perMinute, 1)), booked: map[int64]time.Time{}}
}

// slot says when the message for key may go; a zero time means now.
func (p *pacer) slot(key int64, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if at, ok := p.booked[key]; ok {
		if !now.Before(at) {
			delete(p.booked, key)
			return time.Time{}
		}
		return at
	}
	if !p.next.After(now) {
		p.next = now.Add(p.interval)
		return time.Time{}
	}
	at := p.next
	p.next = at.Add(p.interval)
	p.booked[key] = at
	return at
}
