package builtin

import (
	"runtime"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

var t0 = time.Unix(1700000000, 0).UTC() // event time, far from the wall clock

// call is a zero-copy call at offset from t0.
func call(name string, pid uint32, at time.Duration, ret int64) *event.Event {
	return &event.Event{Name: name, Time: t0.Add(at), Process: event.Process{PID: pid}, Args: event.Args{}, Ret: ret}
}

// calls returns n calls by pid, every step, from start.
func calls(n int, name string, pid uint32, start, step time.Duration, ret int64) []*event.Event {
	var out []*event.Event
	for i := range n {
		out = append(out, call(name, pid, start+time.Duration(i)*step, ret))
	}
	return out
}

func join(parts ...[]*event.Event) []*event.Event {
	var out []*event.Event
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func exit(pid uint32, at time.Duration) []*event.Event {
	return []*event.Event{{Name: event.NameProcessExit, Time: t0.Add(at), Process: event.Process{PID: pid}}}
}

func TestFailedZeroCopyBurst(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		cfg    *ZeroCopyBurstConfig
		events []*event.Event
		want   []int // index of the event each finding is on
	}{
		{"32 EFAULT vmsplice in 31ms", nil, calls(32, "vmsplice", 1, 0, ms, -14), []int{31}},
		{"31 failures are not a burst", nil, calls(31, "vmsplice", 1, 0, ms, -14), nil},
		{"32 failures over 2s", nil, calls(32, "vmsplice", 1, 0, 64*ms, -14), nil},
		{"exactly one second", nil, calls(32, "splice", 1, 0, time.Second/31, -22), []int{31}},
		{"mixed calls and errnos", nil, join(
			calls(10, "vmsplice", 1, 0, ms, -14), calls(11, "splice", 1, 10*ms, ms, -22), calls(11, "tee", 1, 21*ms, ms, -9),
		), []int{31}},
		{"other results are ignored", nil, join(
			calls(20, "vmsplice", 1, 0, ms, -32), calls(20, "splice", 1, 0, ms, 4096), calls(20, "sendfile", 1, 0, ms, -14),
		), nil},
		{"failures split over two processes", nil, join(calls(16, "tee", 1, 0, ms, -9), calls(16, "tee", 2, 0, ms, -9)), nil},
		{"process exit resets", nil, join(calls(20, "vmsplice", 1, 0, ms, -14), exit(1, 20*ms), calls(20, "vmsplice", 1, 21*ms, ms, -14)), nil},
		{"one finding per burst", nil, calls(64, "vmsplice", 1, 0, ms, -14), []int{31, 63}},
		{"custom threshold and window", &ZeroCopyBurstConfig{Threshold: 4, Window: 10 * ms},
			join(calls(4, "tee", 1, 0, 5*ms, -9), calls(4, "tee", 1, time.Second, 2*ms, -9)), []int{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := NewFailedZeroCopyBurst(tt.cfg)
			var got []int
			var data []map[string]any
			for i, ev := range tt.events {
				if err := sig.OnEvent(ev, func(d map[string]any) { got = append(got, i); data = append(data, d) }); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings on events %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("findings on events %v, want %v", got, tt.want)
				}
			}
			if tt.name == "mixed calls and errnos" {
				calls := data[0]["syscalls"].(map[string]any)
				errnos := data[0]["errnos"].(map[string]any)
				if calls["vmsplice"] != int64(10) || calls["splice"] != int64(11) || calls["tee"] != int64(11) ||
					errnos["EFAULT"] != int64(10) || errnos["EINVAL"] != int64(11) || errnos["EBADF"] != int64(11) {
					t.Errorf("data %v", data[0])
				}
				if data[0]["failures"] != int64(32) || data[0]["within_ns"] != int64(31*ms) {
					t.Errorf("data %v", data[0])
				}
			}
		})
	}
}

func TestFailedZeroCopyBurstExpiresByEventTime(t *testing.T) {
	sig := NewFailedZeroCopyBurst(nil)
	for pid := range uint32(100) {
		sig.OnEvent(call("vmsplice", pid, 0, -14), func(map[string]any) {})
	}
	if n := sig.Tracked(); n != 100 {
		t.Fatalf("tracked %d, want 100", n)
	}
	sig.OnEvent(call("vmsplice", 1000, 3*time.Second, -14), func(map[string]any) {})
	if n := sig.Tracked(); n != 1 {
		t.Errorf("after the window passed in event time, tracked %d, want 1", n)
	}
	sig.OnEvent(exit(1000, 3*time.Second)[0], func(map[string]any) {})
	if n := sig.Tracked(); n != 0 {
		t.Errorf("after exit, tracked %d, want 0", n)
	}
}

// TestFailedZeroCopyBurstBoundedMemory floods the signature with a million
// distinct pids inside one window, with a real burst hidden in the flood.
func TestFailedZeroCopyBurstBoundedMemory(t *testing.T) {
	const max = 1000
	sig := NewFailedZeroCopyBurst(&ZeroCopyBurstConfig{MaxProcesses: max})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	found := 0
	emit := func(map[string]any) { found++ }
	ev := call("vmsplice", 0, 0, -14)
	attacker := call("vmsplice", 1, 0, -14)
	for i := range 1_000_000 {
		ev.Process.PID = uint32(i + 10)
		ev.Time = t0.Add(time.Duration(i)) // 1ms for the whole flood
		sig.OnEvent(ev, emit)
		if i%100 == 0 && i < 3200 {
			attacker.Time = ev.Time
			sig.OnEvent(attacker, emit)
		}
		if n := sig.Tracked(); n > max {
			t.Fatalf("tracking %d processes, bound is %d", n, max)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 2<<20 {
		t.Errorf("heap grew by %d bytes tracking at most %d processes", grew, max)
	}
	if found != 1 {
		t.Errorf("found %d bursts in the flood, want the attacker's 1", found)
	}
}

// args builds event arguments from a map, in name order.
func args(m map[string]any) event.Args { return event.Normalize(m).(event.Args) }
