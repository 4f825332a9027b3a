package sensor

import (
	"encoding/binary"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/event/catalog/catalogtest"
	"github.com/splicewatch/splicewatch/sensor/features"
)

// Sample fd descriptions: one of each shape the decoder gives.
var (
	samplePipe = rawFd{Type: uint32(tracepointSwFdTypeSW_FD_PIPE), Ino: 9001, Dev: 14, Mode: 0o010600, Uid: 1000,
		Gid: 100, F_flags: 1, F_mode: fmodeWrite, PipeHead: 17, PipeTail: 16, PipeRingSize: 16, PipeReaders: 1,
		PipeWriters: 1, PipeBufFlags: 0x10 | 0x80}
	sampleFile = rawFd{Type: uint32(tracepointSwFdTypeSW_FD_FILE), Ino: 131, Dev: 0x800001, Mode: 0o100644,
		F_mode: fmodeRead, Size: 4096}
	sampleChr = rawFd{Type: uint32(tracepointSwFdTypeSW_FD_CHR), Ino: 5, Dev: 5, Rdev: 0x100003, Mode: 0o020666,
		F_flags: 2, F_mode: fmodeRead | fmodeWrite}
	sampleSocket = rawFd{Type: uint32(tracepointSwFdTypeSW_FD_SOCKET), Ino: 77, Dev: 8, Mode: 0o140777}
)

// cPath returns s as a fixed-size C string.
func cPath(s string) (p [256]int8) {
	for i := range len(s) {
		p[i] = int8(s[i])
	}
	return p
}

// catalogSamples returns raw records of every kind, in the variants that
// make each decoder emit each of its arguments and each field of their
// objects, optional ones included.
func catalogSamples() map[uint32][][]byte {
	vm := sampleVmsplice()
	vm.FdInfo = samplePipe
	vm.VdsoSegs, vm.VdsoFirst, vm.VdsoFirstBase = 1, 3, 0x7fff0000
	vm.VdsoStart, vm.VdsoEnd = 0x7ffef000, 0x7fff2000
	vm.Facts, vm.IovChangedFirst = factIovChanged, 2
	vm.RangeStart, vm.RangeEnd = 0x7ffc1000, 0x7ffc1010
	overlong := sampleVmsplice()
	overlong.FdInfo = sampleFile
	overlong.KernelSegs, overlong.KernelFirst, overlong.KernelFirstBase = 0, -1, 0
	overlong.OverlongSegs, overlong.OverlongFirst = 2, 5
	overlong.OverlongFirstBase, overlong.OverlongFirstLen = 0x7ffc0000, ^uint64(0)
	unreadable := sampleVmsplice()
	unreadable.ReadErr, unreadable.SegsScanned, unreadable.KernelSegs, unreadable.KernelFirst = 1, 0, 0, -1
	device := sampleVmsplice() // EBADF, but described
	device.FdInfo = sampleChr
	empty := sampleVmsplice()
	empty.NrSegs, empty.SegsScanned, empty.KernelSegs, empty.KernelFirst = 0, 0, 0, -1
	// compat marks a record as made by a 32-bit call.
	compat := func(raw []byte) []byte {
		binary.NativeEndian.PutUint32(raw[unsafe.Offsetof(rawHeader{}.Flags):], hdrCompat|hdrCompatFrom64)
		return raw
	}
	xfer := func(kind, valid uint32, in, out rawFd, pathIn, pathOut string) []byte {
		x := &rawXfer{H: header(kind), FdIn: 3, FdOut: -1, OffIn: 0x7000, OffInVal: 4095, OffOut: 0x7008,
			OffOutVal: -1, Len: ^uint64(0), Flags: 0xffffffff, Valid: valid, In: in, Out: out,
			Facts: factDirtyPipeMerge | factDirtyPipeShape}
		return xferWithPaths(x, pathIn, pathOut)
	}
	race := func(kind, advice uint32) []byte {
		r := &rawPageRace{H: header(kindPageRace), Race: kind, Advice: advice, Addr: 0x7f0000001000, Len: 8192,
			OverlapStart: 0x7f0000001000, OverlapEnd: 0x7f0000003000, SinceNs: 1500, VsStart: 0x7f0000001000,
			VsEnd: 0x7f0000003000, PipeBufs: 2}
		return rawBytes(r)
	}
	proc := func(kind uint32, oldPid uint32, code int32, name string) []byte {
		r := &rawProc{H: header(kind), ExitCode: code, OldPid: oldPid, Filename: cPath(name)}
		r.H.TsExit, r.H.Ret = r.H.TsEnter, 0
		return rawBytes(r)
	}
	// Every fd shape on both sides of each transfer, paths where the
	// kernel walks them (files and devices), offsets valid or not, and
	// records that end after their paths.
	shapes := []struct {
		fd   rawFd
		path string
	}{{samplePipe, ""}, {sampleFile, "/etc/passwd"}, {sampleChr, "/dev/null"}, {sampleSocket, ""}, {rawFd{}, ""}}
	transfers := func(kind uint32) [][]byte {
		var out [][]byte
		for i, sh := range shapes {
			out = append(out, xfer(kind, uint32(i%4), sh.fd, sh.fd, sh.path, sh.path))
		}
		return append(out, xfer(kind, 0, sampleFile, samplePipe, "/etc/passwd", ""),
			compat(xfer(kind, 1, sampleFile, samplePipe, "/etc/passwd", "")))
	}
	return map[uint32][][]byte{
		kindVmsplice: {rawBytes(vm), rawBytes(overlong), rawBytes(device), rawBytes(unreadable)[:unsafe.Offsetof(vm.Iov)],
			rawBytes(empty)[:unsafe.Offsetof(vm.Iov)], compat(rawBytes(sampleVmsplice()))},
		kindSplice:   transfers(kindSplice),
		kindTee:      transfers(kindTee),
		kindSendfile: transfers(kindSendfile),
		kindPageRace: {race(uint32(tracepointSwRaceSW_RACE_MUNMAP), 0), race(uint32(tracepointSwRaceSW_RACE_MADVISE), 4),
			race(uint32(tracepointSwRaceSW_RACE_MREMAP), 0), race(uint32(tracepointSwRaceSW_RACE_FORK), 0)},
		// An exec by the leader (no old_pid), one by another thread, and
		// exits by exit(3) and by SIGKILL.
		kindProcExec: {proc(kindProcExec, header(kindProcExec).Pid, 0, "/usr/bin/true"),
			proc(kindProcExec, header(kindProcExec).Pid+1, 0, "./relative")},
		kindProcExit: {proc(kindProcExit, 0, 3<<8, ""), proc(kindProcExit, 0, 9, "")},
	}
}

// argPaths adds the path of every argument in args, and of every field of
// their objects, to seen: "fd_info.pipe.end", "iov[].base".
func argPaths(seen map[string]bool, prefix string, args event.Args) {
	for _, a := range args {
		p := prefix + a.Name
		seen[p] = true
		switch v := a.Value.(type) {
		case event.Args:
			argPaths(seen, p+".", v)
		case []any:
			for _, x := range v {
				if obj, ok := x.(event.Args); ok {
					argPaths(seen, p+"[].", obj)
				}
			}
		}
	}
}

// defPaths lists the path of every defined argument and object field.
func defPaths(prefix string, defs []catalog.Arg) []string {
	var out []string
	for _, d := range defs {
		p := prefix + d.Name
		out = append(out, p)
		sep := "."
		if d.Type == catalog.TypeObjects {
			sep = "[]."
		}
		out = append(out, defPaths(p+sep, d.Fields)...)
	}
	return out
}

// TestDecodersMatchCatalog is the drift test between the decoders and the
// event definitions: every kind in the decoder table decodes to a defined
// event; every argument it emits is defined, with the defined type; every
// required argument is emitted; and across the samples every defined
// argument and object field, optional ones included, is emitted at least
// once. Each decoded event also validates against the JSON Schema.
func TestDecodersMatchCatalog(t *testing.T) {
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	samples := catalogSamples()
	emitted := map[string]map[string]bool{}
	for kind, dec := range decoders {
		kind := uint32(kind)
		if dec == nil {
			continue
		}
		if len(samples[kind]) == 0 {
			t.Errorf("record kind %d has a decoder but no sample here: add one", kind)
		}
		for i, raw := range samples[kind] {
			ev, err := decodeRecord(raw, monoClock{})
			if err != nil {
				t.Fatalf("kind %d sample %d: %v", kind, i, err)
			}
			ev.Host = "h"
			if err := catalog.Check(ev); err != nil {
				t.Errorf("kind %d sample %d: %v", kind, i, err)
			}
			if err := v.ValidateEvent(ev); err != nil {
				t.Errorf("kind %d sample %d: schema: %v", kind, i, err)
			}
			if emitted[ev.Name] == nil {
				emitted[ev.Name] = map[string]bool{}
			}
			argPaths(emitted[ev.Name], "", ev.Args)
		}
	}
	for name, args := range emitted {
		def, _ := catalog.Lookup(name)
		for _, p := range defPaths("", def.Args) {
			if !args[p] {
				t.Errorf("%s: %s is defined but no sample made the decoder emit it", name, p)
			}
		}
	}
}

// userSpaceEvents are the events the sensor makes in user space, not
// from a kernel record: reportLoss's and the rate limiter's summaries
// (filterState.throttled).
var userSpaceEvents = []string{event.NameEventsLost, event.NameEventsThrottled}

// TestEventNamesDefined checks the event names against the catalogue:
// every name the sensor can emit (a decoder's, found by decoding, or a
// user-space event) and every Name* constant of package event has a
// definition; the definitions the sensor emits are exactly those not
// marked Pending, so a page never claims an event that does not come, nor
// hides one that does.
func TestEventNamesDefined(t *testing.T) {
	emitted := map[string]bool{}
	for _, n := range userSpaceEvents {
		emitted[n] = true
	}
	for _, raws := range catalogSamples() {
		ev, err := decodeRecord(raws[0], monoClock{})
		if err != nil {
			t.Fatal(err)
		}
		emitted[ev.Name] = true
	}
	named := maps.Clone(emitted)
	src, err := os.ReadFile("../event/event.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.HasPrefix(f[0], "Name") && f[1] == "=" {
			named[strings.Trim(f[2], `"`)] = true
		}
	}
	for name := range named {
		if _, ok := catalog.Lookup(name); !ok {
			t.Errorf("the sensor or package event names %q, which has no definition in event/catalog", name)
		}
	}
	var ready []string
	for _, e := range catalog.All() {
		if e.Pending == "" {
			ready = append(ready, e.Name)
		}
	}
	if want := slices.Sorted(maps.Keys(emitted)); !slices.Equal(ready, want) {
		t.Errorf("the catalogue says the sensor emits %v; it can emit %v (mark the rest Pending)", ready, want)
	}
}

// TestLossEventsMatchCatalog makes reportLoss emit an events_lost event for
// every loss reason, from a real per-CPU counter map, and checks them
// against the definition, whose reason list must be exactly the sensor's.
func TestLossEventsMatchCatalog(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("creating the BPF counter map needs root")
	}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	for idx := range statReasons {
		vals := make([]uint64, ncpu)
		vals[0] = uint64(idx) + 3
		if err := m.Put(idx, vals); err != nil {
			t.Fatal(err)
		}
	}
	s := &Sensor{opts: Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, m: newMetrics(nil),
		loss: newLossCounter(m)}
	s.loss.addDecodeError()
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	s.reportLoss(func(ev *event.Event) {
		if err := catalog.Check(ev); err != nil {
			t.Error(err)
		}
		if err := v.ValidateEvent(ev); err != nil {
			t.Errorf("schema: %v", err)
		}
		r, _ := ev.Args.String("reason")
		reasons = append(reasons, r)
	})
	def, _ := catalog.Lookup(event.NameEventsLost)
	reason, _ := def.Arg("reason")
	slices.Sort(reasons)
	if want := slices.Sorted(slices.Values(reason.Enum)); !slices.Equal(reasons, want) {
		t.Errorf("reportLoss gave reasons %v; the definition lists %v", reasons, want)
	}
}

// TestThrottledEventsMatchCatalog makes throttled summarise a real rate
// map, the shape of sw_rates, and checks its events against the definition.
func TestThrottledEventsMatchCatalog(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("creating the BPF rate map needs root")
	}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: 4,
		ValueSize: uint32(unsafe.Sizeof(tracepointSwRate{})), MaxEntries: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Put(uint32(4242), tracepointSwRate{Throttled: 990, Count: 10}); err != nil {
		t.Fatal(err)
	}
	st := &filterState{cfg: &Filter{RateLimit: 10}, rates: m, reported: map[uint32]uint64{4242: 90}}
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	evs := st.throttled("h", time.Now())
	if len(evs) != 1 {
		t.Fatalf("%d events_throttled, want 1", len(evs))
	}
	if err := catalog.Check(evs[0]); err != nil {
		t.Error(err)
	}
	if err := v.ValidateEvent(evs[0]); err != nil {
		t.Errorf("schema: %v", err)
	}
	if n, _ := evs[0].Args.Uint("throttled"); n != 900 {
		t.Errorf("throttled %d, want the 900 since the last summary", n)
	}
}

// TestHooksMatchObject checks the shipped hooks of every definition against
// the programs in the eBPF object of each attach mode: the same attach
// points, no more, no less; and that every mode named is one the sensor
// knows.
func TestHooksMatchObject(t *testing.T) {
	defined := map[features.Mode][]string{}
	for _, e := range catalog.All() {
		for _, h := range e.Hooks {
			m := features.Mode(h.Mode)
			if !slices.Contains(features.Modes(), m) {
				t.Errorf("%s: unknown attach mode %q", e.Name, h.Mode)
			}
			if !h.Planned {
				defined[m] = append(defined[m], h.Points...)
			}
		}
	}
	for _, mode := range features.Modes() {
		set, ok := programSets[mode]
		if !ok {
			t.Errorf("no program set for mode %s", mode)
			continue
		}
		spec, err := set.load()
		if err != nil {
			t.Fatal(err)
		}
		var inObject []string
		for _, p := range spec.Programs {
			inObject = append(inObject, p.SectionName)
		}
		// The raw sys_enter/sys_exit pair serves every call: each event
		// names it.
		slices.Sort(inObject)
		slices.Sort(defined[mode])
		defined[mode] = slices.Compact(defined[mode])
		if !slices.Equal(inObject, defined[mode]) {
			t.Errorf("%s hooks:\n object %v\ncatalog %v", mode, inObject, defined[mode])
		}
	}
}

// xferWithPaths sets the paths of x and returns the record as the kernel
// sends it: up to the end of the output's path.
func xferWithPaths(x *rawXfer, in, out string) []byte {
	x.PathInLen, x.PathOutLen = uint16(len(in)), uint16(len(out))
	n := copy(rawBytes(&x.Paths), in)
	copy(rawBytes(&x.Paths)[n:], out)
	return rawBytes(x)[:int(unsafe.Offsetof(x.Paths))+len(in)+len(out)]
}
