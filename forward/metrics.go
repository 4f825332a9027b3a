package forward

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are per output, labelled "output".
type metrics struct {
	delivered    *prometheus.CounterVec
	retried      *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	depth        *prometheus.GaugeVec
	latency      *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "forward", Name: name, Help: help,
		}, append([]string{"output"}, labels...))
	}
	m := &metrics{
		delivered:    counter("delivered_total", "Findings the receiver acknowledged."),
		retried:      counter("retried_total", "Findings sent again after a failed attempt."),
		deadLettered: counter("dead_lettered_total", "Findings rejected permanently and written to the dead-letter file."),
		dropped:      counter("dropped_total", "Findings discarded, by reason (queue_full, block_timeout, closed, error).", "reason"),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "splicewatch", Subsystem: "forward", Name: "queue_depth",
			Help: "Findings waiting in the output's durable queue.",
		}, []string{"output"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "splicewatch", Subsystem: "forward", Name: "delivery_latency_seconds",
			Help:    "Time from enqueue to acknowledgement by the receiver.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"output"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.delivered, m.retried, m.deadLettered, m.dropped, m.depth, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register forward metrics: %w", err)
		}
	}
	return m, nil
}
