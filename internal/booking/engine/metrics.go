package engine

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts booking events for /metrics, so a comune sees demand (holds, slots
// taken from under someone, expiries) and not only what was booked.
type Metrics struct {
	events *prometheus.CounterVec
}

// NewMetrics registers sportello_booking_events_total{event} on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{events: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sportello_booking_events_total",
		Help: "Booking events: hold, slot_taken, confirm, cancel, move, expire, autocancel.",
	}, []string{"event"})}
	reg.MustRegister(m.events)
	return m
}

func (e *Engine) count(event string) {
	if e.Metrics != nil {
		e.Metrics.events.WithLabelValues(event).Inc()
	}
}
