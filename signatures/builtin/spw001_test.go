package builtin

import (
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

func TestKernelIOVBase(t *testing.T) {
	vm := func(segs, first int64, base uint64) *event.Event {
		ev := &event.Event{Name: event.NameVmsplice}
		ev.Args.AddUint("user_limit", 0x7ffffffff000)
		ev.Args.AddInt("kernel_segs", segs)
		ev.Args.AddInt("kernel_first", first)
		if segs > 0 {
			ev.Args.AddUint("kernel_first_base", base)
		}
		return ev
	}
	tests := []struct {
		name    string
		ev      *event.Event
		want    bool
		segment int64
	}{
		{"benign", vm(0, -1, 0), false, 0},
		{"vsyscall page at segment 0", vm(1, 0, 0xffffffffff600000), true, 0},
		{"kernel address deep in the array", vm(3, 1000, 0xffff888000000000), true, 1000},
		{"non-canonical just above the limit", vm(1, 5, 0x7ffffffff000), true, 5},
		{"args missing", &event.Event{Name: event.NameVmsplice}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []map[string]any
			err := (&KernelIOVBase{}).OnEvent(tt.ev, func(d map[string]any) { got = append(got, d) })
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != tt.want || len(got) > 1 {
				t.Fatalf("findings %v, want %v", got, tt.want)
			}
			if tt.want && got[0]["segment"] != tt.segment {
				t.Errorf("segment %v, want %d", got[0]["segment"], tt.segment)
			}
		})
	}
}
