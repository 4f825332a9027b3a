package sensor

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	events   *prometheus.CounterVec
	lost     *prometheus.CounterVec
	filtered prometheus.Counter
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
	}
	if reg != nil {
		reg.MustRegister(m.events, m.lost, m.filtered)
	}
	return m
}
