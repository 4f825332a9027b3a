package sensor

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	events *prometheus.CounterVec
	lost   *prometheus.CounterVec
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
	}
	if reg != nil {
		reg.MustRegister(m.events, m.lost)
	}
	return m
}
