package plugin

import (
	"context"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/engine"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/example"
)

// benchEvents are vmsplice events shaped like the sensor's, one in a
// hundred gifting its pages (a finding from the example signature).
func benchEvents() []*event.Event {
	var out []*event.Event
	for i := range 1000 {
		flags := int64(0)
		if i%100 == 0 {
			flags = 8
		}
		out = append(out, &event.Event{
			Name: event.NameVmsplice, Time: time.Unix(1700000000, int64(i)).UTC(), Host: "bench",
			Process: event.Process{PID: uint32(100 + i%7), TID: uint32(100 + i%7), UID: 1000, Comm: "bench", Exe: "/usr/bin/bench"},
			Args: args(map[string]any{
				"fd": int64(4), "iov_addr": int64(0x7ffd0000), "nr_segs": int64(2), "flags": flags,
				"flag_names": []any{}, "user_limit": int64(140737488351232), "segs_scanned": int64(2),
				"kernel_segs": int64(0), "kernel_first": int64(-1), "overlong_segs": int64(0),
				"overlong_first": int64(-1), "iov_read_error": false,
				"iov": []any{
					map[string]any{"base": int64(0x7ffd1000), "len": int64(4096)},
					map[string]any{"base": int64(0x7ffd3000), "len": int64(4096)},
				},
			}),
			Ret: 8192,
		})
	}
	return out
}

// BenchmarkPluginThroughput sends events through engine.Evaluate to the
// example plugin, a separate process, and compares with the same signature
// compiled in, measured in the same run. The target is ≥ 100,000 events/s.
func BenchmarkPluginThroughput(b *testing.B) {
	evs := benchEvents()
	ctx := context.Background()
	// Baseline: the same signature compiled in, in the same run.
	eng := engine.New(nil)
	eng.Add(engine.FromSignature(&example.GiftedPages{}))
	n := max(b.N, 200_000)
	t := time.Now()
	for i := range n {
		eng.Evaluate(ctx, evs[i%len(evs)], func(*event.Finding) {})
	}
	inSec := float64(n) / time.Since(t).Seconds()

	dir := pluginDir(b, "example")
	h := load(b, &Config{Dir: dir, Allow: allowAll(b, dir, "example"), FindingsPerSecond: 1e9})
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		h.send(evs[i%len(evs)])
	}
	h.flush(b)
	elapsed := time.Since(start)
	b.StopTimer()

	if lost := h.counter("events_dropped_total"); lost > 0 {
		b.Fatalf("%v events dropped", lost)
	}
	if got, want := len(h.found("EX-001")), (b.N+99)/100; got < want-len(evs)/100 || got > want {
		b.Fatalf("%d findings for %d events", got, b.N)
	}
	perSec := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(perSec, "events/s")
	b.ReportMetric(inSec, "inprocess-events/s")
	b.ReportMetric(inSec/perSec, "inprocess/plugin")
}
