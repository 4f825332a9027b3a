package sensor

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	events   *prometheus.CounterVec
	lost     *prometheus.CounterVec
	filtered prometheus.Counter

	// byName caches the events counter of each event name: looking a
	// label up costs more than the rest of counting. Only Run's
	// goroutine uses it.
	byName map[string]prometheus.Counter
}

// event returns the events counter of name.
func (m *metrics) event(name string) prometheus.Counter {
	c, ok := m.byName[name]
	if !ok {
		c = m.events.WithLabelValues(name)
		m.byName[name] = c
	}
	return c
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Name: "events_total",
			Help: "Events captured, by event name.",
		}, []string{"name"}),
		lost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Name: "events_lost_total",
			Help: "Events lost before reaching user space, by reason.",
		}, []string{"reason"}),
		filtered: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "splicewatch", Name: "events_filtered_total",
			Help: "Ordinary events dropped in the kernel by the configured exclusions and rate limit.",
		}),
		byName: map[string]prometheus.Counter{},
	}
	if reg != nil {
		reg.MustRegister(m.events, m.lost, m.filtered)
	}
	return m
}
