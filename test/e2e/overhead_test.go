package e2e

import (
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/test/trigger"
)

// overheadCalls is the loop length of the overhead benchmarks.
const overheadCalls = 1_000_000

// vmspliceLoop issues n vmsplice calls of size bytes into a fresh pipe,
// draining it every 8 calls, and returns the elapsed time.
func vmspliceLoop(tb testing.TB, n, size int) time.Duration {
	tb.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r, w, err := trigger.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	buf := make([]byte, size)
	drain := make([]byte, 8*size)
	iov := []trigger.Iovec{{Base: uint64(uintptr(unsafe.Pointer(&buf[0]))), Len: uint64(size)}}
	start := time.Now()
	for i := 1; i <= n; i++ {
		if ret := trigger.Vmsplice(w, iov, 0); ret != int64(size) {
			tb.Fatalf("vmsplice returned %d", ret)
		}
		if i%8 == 0 {
			if _, err := unix.Read(r, drain); err != nil {
				tb.Fatalf("drain: %v", err)
			}
		}
	}
	elapsed := time.Since(start)
	runtime.KeepAlive(buf)
	return elapsed
}

// BenchmarkOverheadVmsplice64 times 1,000,000 vmsplice calls of 64 bytes
// bare, with empty programs on the enter and exit tracepoints (the floor of
// any paired design), and with the full sensor attached (enter and exit programs, the
// 1024-segment scan, ring buffer, user-space decoding and the engine), in
// the same run, alternating three times. It reports the ratios of the
// medians to the bare loop, the events lost (must be 0) and the events per second the
// reader sustained.
//
//	go test -run '^$' -bench OverheadVmsplice64 -benchtime 1x ./test/e2e
func BenchmarkOverheadVmsplice64(b *testing.B) {
	requireRoot(b)
	for range b.N {
		var bare, floor, attached []time.Duration
		var lost, missing uint64
		var rate float64
		for range 3 {
			bare = append(bare, vmspliceLoop(b, overheadCalls, 64))

			detach := attachEmpty(b, "vmsplice")
			floor = append(floor, vmspliceLoop(b, overheadCalls, 64))
			detach()

			p := startPipelineCounting(b)
			before := p.countMine()
			d := vmspliceLoop(b, overheadCalls, 64)
			attached = append(attached, d)
			got := p.waitCount(b, before+overheadCalls)
			if got < before+overheadCalls {
				missing += before + overheadCalls - got
			}
			l, err := p.sensor.Lost()
			if err != nil {
				b.Fatal(err)
			}
			for _, v := range l {
				lost += v
			}
			rate = max(rate, float64(overheadCalls)/p.drainTime().Seconds())
			p.stop()
		}
		ratio := float64(median(attached)) / float64(median(bare))
		floorRatio := float64(median(floor)) / float64(median(bare))
		b.ReportMetric(median(bare).Seconds(), "bare-s")
		b.ReportMetric(floorRatio, "floor-ratio")
		b.ReportMetric(median(attached).Seconds(), "attached-s")
		b.ReportMetric(ratio, "ratio")
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(missing), "missing")
		b.ReportMetric(rate, "reader-events/s")
		b.Logf("bare %v, empty enter+exit programs %v (%.2fx), sensor %v (%.2fx), lost %d, missing %d, reader %.0f events/s",
			median(bare), median(floor), floorRatio, median(attached), ratio, lost, missing, rate)
		if lost != 0 || missing != 0 {
			b.Errorf("lost %d events, %d never arrived", lost, missing)
		}
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// startPipelineCounting starts the full pipeline (sensor, decoding, engine
// with the built-in signatures) that counts this process's vmsplice events
// instead of keeping them.
func startPipelineCounting(tb testing.TB) *pipeline {
	p := startPipeline(tb, nil)
	p.countOnly = true
	return p
}

func (p *pipeline) countMine() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mine
}

// waitCount waits until n of this process's vmsplice events arrived, or no
// progress is made for two seconds, and returns the count.
func (p *pipeline) waitCount(tb testing.TB, n uint64) uint64 {
	tb.Helper()
	last, stalled := p.countMine(), time.Now()
	for {
		got := p.countMine()
		if got >= n {
			return got
		}
		if got != last {
			last, stalled = got, time.Now()
		}
		if time.Since(stalled) > 2*time.Second {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// drainTime is the time between the first and the last event counted.
func (p *pipeline) drainTime() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastSeen.Sub(p.firstSeen)
}

// attachEmpty attaches programs that do nothing to the enter and exit
// tracepoints of call, and returns a function that detaches them.
func attachEmpty(tb testing.TB, call string) func() {
	tb.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.TracePoint,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		tb.Fatalf("load empty program: %v", err)
	}
	var links []link.Link
	for _, tp := range []string{"sys_enter_" + call, "sys_exit_" + call} {
		l, err := link.Tracepoint("syscalls", tp, prog, nil)
		if err != nil {
			tb.Fatalf("attach empty program to %s: %v", tp, err)
		}
		links = append(links, l)
	}
	return func() {
		for _, l := range links {
			l.Close()
		}
		prog.Close()
	}
}
