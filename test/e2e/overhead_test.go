package e2e

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// overheadCase is one loop of system calls timed bare and attached.
type overheadCase struct {
	name       string
	tracepoint string // syscall whose enter/exit get the empty floor programs
	event      string // event name the loop produces
	calls      int    // calls per loop
	perIter    int    // events per loop iteration
	pack       bool   // evaluate the embedded Rego pack too, as `splicewatch run` does
	compat     bool   // watch 32-bit calls too (sensor.compat_syscalls: on)
	filter     func(tb testing.TB) *sensor.Filter
	// loop runs the calls and returns the elapsed time.
	loop func(tb testing.TB, n int) time.Duration
}

func overheadCases() []overheadCase {
	return []overheadCase{
		{name: "vmsplice64", tracepoint: "vmsplice", event: event.NameVmsplice, calls: 1_000_000, perIter: 1,
			loop: func(tb testing.TB, n int) time.Duration { return vmspliceLoop(tb, n, 64) }},
		{name: "vmsplice4k", tracepoint: "vmsplice", event: event.NameVmsplice, calls: 200_000, perIter: 1,
			loop: func(tb testing.TB, n int) time.Duration { return vmspliceLoop(tb, n, 4096) }},
		{name: "splice64k", tracepoint: "splice", event: event.NameSplice, calls: 100_000, perIter: 2,
			loop: spliceLoop},
		{name: "sendfile64k", tracepoint: "sendfile64", event: event.NameSendfile, calls: 100_000, perIter: 1,
			loop: sendfileLoop},
		// The same 64 KiB into a regular file: a file copy, which costs
		// the kernel more than /dev/null's discard, so the same sensor
		// work is a smaller share.
		{name: "splice64k-file", tracepoint: "splice", event: event.NameSplice, calls: 100_000, perIter: 2,
			loop: spliceFileLoop},
		{name: "sendfile64k-file", tracepoint: "sendfile64", event: event.NameSendfile, calls: 100_000, perIter: 1,
			loop: sendfileFileLoop},
		{name: "sendfile64k-excluded", tracepoint: "sendfile64", event: "", calls: 100_000, perIter: 1,
			loop: sendfileLoop,
			filter: func(tb testing.TB) *sensor.Filter {
				b, _ := os.ReadFile("/proc/self/comm")
				return &sensor.Filter{ExcludeComms: []string{string(b[:len(b)-1])}}
			}},
		// What an operator runs: the built-in signatures and the
		// embedded Rego rule pack.
		{name: "vmsplice64-pack", tracepoint: "vmsplice", event: event.NameVmsplice, calls: 1_000_000, perIter: 1,
			pack: true, loop: func(tb testing.TB, n int) time.Duration { return vmspliceLoop(tb, n, 64) }},
		{name: "sendfile64k-pack", tracepoint: "sendfile64", event: event.NameSendfile, calls: 100_000, perIter: 1,
			pack: true, loop: sendfileLoop},
		// What watching 32-bit calls costs 64-bit ones: in tracepoint
		// mode the raw sys_enter/sys_exit programs run for every call.
		{name: "vmsplice64-compat", tracepoint: "vmsplice", event: event.NameVmsplice, calls: 1_000_000, perIter: 1,
			compat: true, loop: func(tb testing.TB, n int) time.Duration { return vmspliceLoop(tb, n, 64) }},
	}
}

// BenchmarkOverhead times a loop of each call bare, with empty programs on
// the call's enter and exit tracepoints (the floor of any paired design),
// and with the full sensor attached (every program and field, ring buffer,
// user-space decoding and the built-in Go signatures), alternating
// overheadRounds times in one run. It reports the ratios of the medians to the bare loop,
// the events lost (must be 0) and the events per second the reader
// sustained.
//
//	go test -run '^$' -bench Overhead -benchtime 1x ./test/e2e
func BenchmarkOverhead(b *testing.B) {
	requireRoot(b)
	requireStatsOff(b)
	for _, c := range overheadCases() {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				measureOverhead(b, c)
			}
		})
	}
}

// requireStatsOff fails the benchmark when the kernel times every eBPF
// program run (kernel.bpf_stats_enabled=1, left on by a profiling
// session or a tool holding ebpf.EnableStats). That timing reads the clock
// twice per run and inflates the floor and the sensor alike; the ratios
// would describe the statistics, not the sensor.
func requireStatsOff(tb testing.TB) {
	tb.Helper()
	b, err := os.ReadFile("/proc/sys/kernel/bpf_stats_enabled")
	if err != nil {
		return // no such switch: no statistics either
	}
	if strings.TrimSpace(string(b)) != "0" {
		tb.Fatal("kernel.bpf_stats_enabled is on, which times every eBPF program run and skews every ratio: " +
			"run `sysctl kernel.bpf_stats_enabled=0` (and stop whatever holds the statistics on) first")
	}
}

// benchScale divides the loop lengths: SPLICEWATCH_BENCH_SCALE=50 makes
// the benchmark fit an emulated kernel (make bench-kernels), where only the
// ratios between modes in one boot mean anything.
func benchScale(tb testing.TB) int {
	v := os.Getenv("SPLICEWATCH_BENCH_SCALE")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("SPLICEWATCH_BENCH_SCALE=%q: want a positive integer", v)
	}
	return n
}

// overheadRounds is how many times each loop runs bare, on the floor and
// attached, alternated; the medians are compared. Other work on a shared
// machine slows single runs down, and the median of five shrugs off two.
const overheadRounds = 5

func measureOverhead(b *testing.B, c overheadCase) {
	c.calls /= benchScale(b)
	var bare, floor, attached []time.Duration
	var lost, missing uint64
	var rate float64
	for range overheadRounds {
		bare = append(bare, c.loop(b, c.calls))

		detach := attachEmpty(b, c.tracepoint)
		floor = append(floor, c.loop(b, c.calls))
		detach()

		p := c.start(b)
		p.countName = c.event
		p.countOnly.Store(true) // publishes countName to the handler
		before := p.countMine()
		attached = append(attached, c.loop(b, c.calls))
		if c.event != "" {
			want := before + uint64(c.calls*c.perIter)
			if got := p.waitCount(b, want); got < want {
				missing += want - got
			}
			rate = max(rate, float64(c.calls*c.perIter)/p.drainTime().Seconds())
		}
		l, err := p.sensor.Lost()
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range l {
			lost += v
		}
		p.stop()
	}
	enter, exit := programCosts(b, c)
	ratio := float64(median(attached)) / float64(median(bare))
	floorRatio := float64(median(floor)) / float64(median(bare))
	b.ReportMetric(median(bare).Seconds(), "bare-s")
	b.ReportMetric(floorRatio, "floor-ratio")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(missing), "missing")
	if rate > 0 {
		b.ReportMetric(rate, "reader-events/s")
	}
	b.ReportMetric(float64(enter.Nanoseconds()), "enter-ns")
	b.ReportMetric(float64(exit.Nanoseconds()), "exit-ns")
	b.Logf("%s: bare %v, empty enter+exit programs %v (%.2fx), sensor %v (%.2fx, %.2f above the floor), lost %d, missing %d, reader %.0f events/s, programs: enter %v exit %v per run",
		c.name, median(bare), median(floor), floorRatio, median(attached), ratio, ratio-floorRatio, lost, missing, rate, enter, exit)
	if lost != 0 || missing != 0 {
		b.Errorf("lost %d events, %d never arrived", lost, missing)
	}
}

// start attaches the sensor as c measures it: the production defaults
// (ring size, 32-bit calls watched where that is free),
// c's filter, the built-in signatures, and for the -pack cases the Rego
// pack (whose own throughput engine/rego's benchmark measures).
func (c overheadCase) start(b *testing.B) *pipeline {
	opts := &sensor.Options{RingBufferBytes: 16 << 20, CompatSyscalls: sensor.CompatAuto}
	if c.filter != nil {
		opts.Filter = c.filter(b)
	}
	if c.compat {
		opts.CompatSyscalls = sensor.CompatOn
	}
	return startPipelineRules(b, opts, c.pack)
}

// programCosts runs a quarter of c's loop with the sensor attached and the
// kernel's eBPF statistics on, and returns the mean run time of the call's
// enter and exit programs. It is a separate run because timing every
// program run has a cost of its own, which the ratios must not include.
func programCosts(b *testing.B, c overheadCase) (enter, exit time.Duration) {
	stats, err := ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME))
	if err != nil {
		b.Logf("no eBPF program statistics: %v", err)
		return 0, 0
	}
	defer stats.Close()
	p := c.start(b)
	defer p.stop()
	c.loop(b, max(1, c.calls/4))
	progs, err := p.sensor.ProgramStats()
	if err != nil {
		b.Fatal(err)
	}
	call := strings.TrimSuffix(c.tracepoint, "64")
	for name, st := range progs {
		switch {
		case strings.HasSuffix(name, "_enter_"+call):
			enter = st.PerRun()
		case strings.HasSuffix(name, "_exit_"+call):
			exit = st.PerRun()
		}
	}
	return enter, exit
}

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
	if size*8 > 65536 {
		if _, err := unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, size*8); err != nil {
			tb.Fatalf("grow pipe: %v", err)
		}
	}
	buf := make([]byte, size)
	drain := make([]byte, 8*size)
	iov := []trigger.Iovec{{Base: uint64(uintptr(unsafe.Pointer(&buf[0]))), Len: uint64(size)}}
	start := time.Now()
	for i := 1; i <= n; i++ {
		if ret := trigger.Vmsplice(w, iov, 0); ret != int64(size) {
			tb.Fatalf("vmsplice returned %d", ret)
		}
		if i%8 == 0 {
			for got := 0; got < 8*size; {
				m, err := unix.Read(r, drain[got:])
				if err != nil {
					tb.Fatalf("drain: %v", err)
				}
				got += m
			}
		}
	}
	elapsed := time.Since(start)
	runtime.KeepAlive(buf)
	return elapsed
}

// file64k returns an open 64 KiB file, cached in memory.
func file64k(tb testing.TB) *os.File {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "64k")
	if err := os.WriteFile(path, make([]byte, 64<<10), 0o600); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func devNull(tb testing.TB) *os.File {
	tb.Helper()
	f, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// spliceLoop moves 64 KiB from a file through a pipe to /dev/null, n times:
// two splice calls each.
func spliceLoop(tb testing.TB, n int) time.Duration { return spliceInto(tb, n, devNull(tb)) }

// sendfileLoop sends 64 KiB of a file to /dev/null, n times.
func sendfileLoop(tb testing.TB, n int) time.Duration { return sendfileInto(tb, n, devNull(tb)) }

// spliceFileLoop is spliceLoop into a regular file, rewritten in place.
func spliceFileLoop(tb testing.TB, n int) time.Duration { return spliceInto(tb, n, fileSink(tb)) }

// sendfileFileLoop is sendfileLoop into a regular file, rewritten in place:
// a file copy, as Python's shutil.copyfile makes it with sendfile.
func sendfileFileLoop(tb testing.TB, n int) time.Duration { return sendfileInto(tb, n, fileSink(tb)) }

// fileSink returns an empty regular file to write to.
func fileSink(tb testing.TB) *os.File {
	tb.Helper()
	f, err := os.Create(filepath.Join(tb.TempDir(), "copy"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// rewind sets a regular file's position back to 0 (so that a loop
// rewrites the same 64 KiB) and does nothing to /dev/null.
func rewind(tb testing.TB, f *os.File) {
	if f.Name() == os.DevNull {
		return
	}
	if _, err := unix.Seek(int(f.Fd()), 0, 0); err != nil {
		tb.Fatalf("rewind %s: %v", f.Name(), err)
	}
}

// spliceInto moves 64 KiB from a file through a pipe into sink, n times:
// a splice into the pipe and one out of it (more if the sink takes part).
func spliceInto(tb testing.TB, n int, sink *os.File) time.Duration {
	tb.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	in := file64k(tb)
	r, w, err := trigger.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	start := time.Now()
	for range n {
		off := int64(0)
		if ret := trigger.SpliceAt(int(in.Fd()), &off, w, 64<<10, 0); ret != 64<<10 {
			tb.Fatalf("splice file->pipe returned %d", ret)
		}
		rewind(tb, sink)
		for left := int64(64 << 10); left > 0; {
			ret := trigger.Splice(r, int(sink.Fd()), int(left), 0)
			if ret <= 0 {
				tb.Fatalf("splice pipe->%s returned %d", sink.Name(), ret)
			}
			left -= ret
		}
	}
	return time.Since(start)
}

// sendfileInto sends 64 KiB of a file into sink, n times.
func sendfileInto(tb testing.TB, n int, sink *os.File) time.Duration {
	tb.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	in := file64k(tb)
	start := time.Now()
	for range n {
		off := int64(0)
		rewind(tb, sink)
		if ret := trigger.Sendfile(int(sink.Fd()), int(in.Fd()), &off, 64<<10); ret != 64<<10 {
			tb.Fatalf("sendfile into %s returned %d", sink.Name(), ret)
		}
	}
	return time.Since(start)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func (p *pipeline) countMine() uint64 { return p.mine.Load() }

// waitCount waits until n of this process's counted events arrived, or no
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
	return time.Duration(p.lastSeen.Load() - p.firstSeen.Load())
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
