package plugin

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Fault kinds, the values of the "fault" label.
const (
	faultStart     = "start"     // the process did not start or handshake
	faultCrash     = "crash"     // the process exited or the stream broke
	faultHang      = "hang"      // no answer within the timeout
	faultMalformed = "malformed" // a finding or answer that does not decode
	faultFlood     = "flood"     // findings beyond the rate limit
	faultError     = "error"     // a signature reported an error or panicked
)

type metrics struct {
	faults   *prometheus.CounterVec
	restarts *prometheus.CounterVec
	dropped  *prometheus.CounterVec
	events   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "plugin", Name: "faults_total",
			Help: "Plugin faults, by plugin and kind (start, crash, hang, malformed, flood, error).",
		}, []string{"plugin", "fault"}),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "plugin", Name: "restarts_total",
			Help: "Plugin process restarts, by plugin.",
		}, []string{"plugin"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "plugin", Name: "events_dropped_total",
			Help: "Events not evaluated by a plugin, by plugin and reason (down, lost).",
		}, []string{"plugin", "reason"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "plugin", Name: "events_total",
			Help: "Events answered by a plugin, by plugin.",
		}, []string{"plugin"}),
	}
	if reg != nil {
		m.faults = register(reg, m.faults)
		m.restarts = register(reg, m.restarts)
		m.dropped = register(reg, m.dropped)
		m.events = register(reg, m.events)
	}
	return m
}

// register registers c, or returns the collector already registered under
// the same name, so that Load may be called again on reload.
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if old, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			return old
		}
	}
	return c
}
