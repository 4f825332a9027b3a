package protocol

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/splicewatch/splicewatch/event"
)

func benchEvent() *event.Event {
	return &event.Event{
		Name: event.NameVmsplice, Time: time.Unix(1700000000, 1).UTC(), Host: "bench",
		Process: event.Process{PID: 100, TID: 100, UID: 1000, Comm: "bench", Exe: "/usr/bin/bench"},
		Args: args(map[string]any{
			"fd": int64(4), "iov_addr": int64(0x7ffd0000), "nr_segs": int64(2), "flags": int64(0),
			"flag_names": []any{}, "user_limit": int64(140737488351232), "segs_scanned": int64(2),
			"kernel_segs": int64(0), "kernel_first": int64(-1), "overlong_segs": int64(0),
			"overlong_first": int64(-1), "iov_read_error": false,
			"iov": []any{
				map[string]any{"base": int64(0x7ffd1000), "len": int64(4096)},
				map[string]any{"base": int64(0x7ffd3000), "len": int64(4096)},
			},
		}),
		Ret: 8192,
	}
}

// BenchmarkWire measures one event's trip: encode and marshal on the host,
// unmarshal and decode in the plugin, per event in a batch of 256.
func BenchmarkWire(b *testing.B) {
	ev := benchEvent()
	const n = 256
	for b.Loop() {
		batch := &EventBatch{}
		for range n {
			m, err := FromEvent(ev)
			if err != nil {
				b.Fatal(err)
			}
			batch.Events = append(batch.Events, m)
		}
		raw, err := proto.Marshal(batch)
		if err != nil {
			b.Fatal(err)
		}
		var got EventBatch
		if err := proto.Unmarshal(raw, &got); err != nil {
			b.Fatal(err)
		}
		for _, m := range got.Events {
			if _, err := ToEvent(m); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}

// args builds event arguments from a map, in name order.
func args(m map[string]any) event.Args { return event.Normalize(m).(event.Args) }
