package engine

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	findings *prometheus.CounterVec
	errors   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Name: "findings_total",
			Help: "Findings produced, by rule and severity.",
		}, []string{"rule", "severity"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Name: "detector_errors_total",
			Help: "Evaluation errors, by detector.",
		}, []string{"detector"}),
	}
	if reg != nil {
		reg.MustRegister(m.findings, m.errors)
	}
	return m
}

// rateLimiter allows one log line per key per interval.
type rateLimiter struct {
	clock    func() time.Time
	interval time.Duration
	mu       sync.Mutex
	last     map[string]time.Time
}

func newRateLimiter(clock func() time.Time, interval time.Duration) *rateLimiter {
	return &rateLimiter{clock: clock, interval: interval, last: map[string]time.Time{}}
}

func (r *rateLimiter) allow(key string) bool {
	now := r.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.last[key]; ok && now.Sub(t) < r.interval {
		return false
	}
	r.last[key] = now
	return true
}
