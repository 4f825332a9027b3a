package rego

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	ruleErrors *prometheus.CounterVec
	isolations prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		ruleErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "rego", Name: "rule_errors_total",
			Help: "Rego rule evaluations that failed (conflict, timeout, error), by rule.",
		}, []string{"rule"}),
		isolations: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "splicewatch", Subsystem: "rego", Name: "batch_isolations_total",
			Help: "Batch queries that failed and were re-run rule by rule.",
		}),
	}
	if reg != nil {
		m.ruleErrors = register(reg, m.ruleErrors)
		m.isolations = register(reg, m.isolations)
	}
	return m
}

// register registers c, or returns the collector already registered under
// its name, so a reloaded rule set keeps counting in the same series.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if prev, ok := are.ExistingCollector.(C); ok {
				return prev
			}
		}
	}
	return c
}
