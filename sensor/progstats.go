package sensor

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ProgramStats is the kernel's account of one attached eBPF program. The
// kernel counts runs and run time only while statistics are enabled
// (sysctl kernel.bpf_stats_enabled=1, or ebpf.EnableStats), because
// timing every run has a cost of its own.
type ProgramStats struct {
	// Runs is the number of times the program ran.
	Runs uint64
	// Runtime is the time spent in the program over all runs.
	Runtime time.Duration
	// Missed counts runs the kernel skipped because another eBPF program
	// was already running on the CPU (recursion protection).
	Missed uint64
}

// PerRun returns the mean run time, or 0 before the first counted run.
func (p ProgramStats) PerRun() time.Duration {
	if p.Runs == 0 {
		return 0
	}
	return p.Runtime / time.Duration(p.Runs)
}

// ProgramStats returns the statistics of every loaded program, by program
// name (sw_<mode>_{enter,exit}_<hook>).
func (s *Sensor) ProgramStats() (map[string]ProgramStats, error) {
	out := map[string]ProgramStats{}
	for _, coll := range s.colls {
		for name, prog := range coll.Programs {
			st, err := prog.Stats()
			if err != nil {
				return nil, fmt.Errorf("stats of program %s: %w", name, err)
			}
			out[name] = ProgramStats{Runs: st.RunCount, Runtime: st.Runtime, Missed: st.RecursionMisses}
		}
	}
	return out, nil
}

// progCollector exports ProgramStats as Prometheus metrics, read from the
// kernel at each scrape.
type progCollector struct {
	s                     *Sensor
	runs, runtime, missed *prometheus.Desc
}

func newProgCollector(s *Sensor) *progCollector {
	label := []string{"program"}
	return &progCollector{
		s: s,
		runs: prometheus.NewDesc("splicewatch_bpf_program_runs_total",
			"Runs of each eBPF program (counted while kernel.bpf_stats_enabled=1).", label, nil),
		runtime: prometheus.NewDesc("splicewatch_bpf_program_runtime_seconds_total",
			"Time spent in each eBPF program (counted while kernel.bpf_stats_enabled=1).", label, nil),
		missed: prometheus.NewDesc("splicewatch_bpf_program_missed_total",
			"Runs of each eBPF program the kernel skipped to avoid recursion.", label, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *progCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.runs
	ch <- c.runtime
	ch <- c.missed
}

// Collect implements prometheus.Collector.
func (c *progCollector) Collect(ch chan<- prometheus.Metric) {
	stats, err := c.s.ProgramStats()
	if err != nil {
		c.s.opts.Logger.Warn("read eBPF program statistics", "error", err)
		return
	}
	for name, st := range stats {
		ch <- prometheus.MustNewConstMetric(c.runs, prometheus.CounterValue, float64(st.Runs), name)
		ch <- prometheus.MustNewConstMetric(c.runtime, prometheus.CounterValue, st.Runtime.Seconds(), name)
		ch <- prometheus.MustNewConstMetric(c.missed, prometheus.CounterValue, float64(st.Missed), name)
	}
}
