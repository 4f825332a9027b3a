package builtin

import (
	"context"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
)

// benchEvents is a mix of vmsplice, splice and tee calls from a few
// processes, some failing, shaped like the sensor's events.
func benchEvents() []*event.Event {
	var out []*event.Event
	for i := range 1024 {
		ev := &event.Event{
			Name: []string{event.NameVmsplice, event.NameSplice, event.NameTee}[i%3],
			Time: t0.Add(time.Duration(i) * time.Millisecond), Host: "bench",
			Process: event.Process{PID: uint32(100 + i%7), TID: uint32(100 + i%7), Comm: "bench"},
			Args: args(map[string]any{
				"fd": int64(4), "iov_addr": int64(0x7ffd0000), "nr_segs": int64(2), "flags": int64(0),
				"flag_names": []any{}, "user_limit": int64(140737488351232), "segs_scanned": int64(2),
				"kernel_segs": int64(0), "kernel_first": int64(-1), "overlong_segs": int64(0),
				"iov": []any{map[string]any{"base": int64(0x7ffd1000), "len": int64(4096)}},
			}),
			Ret: 4096,
		}
		if i%5 == 0 {
			ev.Ret = -14
		}
		out = append(out, ev)
	}
	return out
}

// BenchmarkEngineInProcess measures every built-in signature behind
// engine.Evaluate, against calling the signatures directly (the baseline
// measured in the same run). The target is ≥ 2,000,000 events/s per core.
func BenchmarkEngineInProcess(b *testing.B) {
	evs := benchEvents()
	// Baseline: the same signatures called directly, in the same run.
	sigs := All()
	sigEmit := func(map[string]any) {}
	n := max(b.N, 200_000)
	t := time.Now()
	for i := range n {
		ev := evs[i%len(evs)]
		for _, s := range sigs {
			for _, name := range s.Events() {
				if name == ev.Name {
					_ = s.OnEvent(ev, sigEmit)
				}
			}
		}
	}
	directPerSec := float64(n) / time.Since(t).Seconds()

	eng := engine.New(nil)
	for _, s := range All() {
		eng.Add(engine.FromSignature(s))
	}
	ctx := context.Background()
	emit := func(*event.Finding) {}
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		eng.Evaluate(ctx, evs[i%len(evs)], emit)
	}
	perSec := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "events/s")
	b.ReportMetric(directPerSec, "direct-events/s")
	b.ReportMetric(perSec/directPerSec, "engine/direct")
}
