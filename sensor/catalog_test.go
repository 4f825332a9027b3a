package sensor

import (
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/cilium/ebpf"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/event/catalog"
	"github.com/splicewatch/splicewatch/event/catalog/catalogtest"
	"github.com/splicewatch/splicewatch/sensor/features"
)

// catalogSamples returns raw records of every kind, in the variants that
// make each decoder emit each of its arguments, optional ones included.
func catalogSamples() map[uint32][][]byte {
	vm := sampleVmsplice()
	overlong := sampleVmsplice()
	overlong.KernelSegs, overlong.KernelFirst, overlong.KernelFirstBase = 0, -1, 0
	overlong.OverlongSegs, overlong.OverlongFirst = 2, 5
	overlong.OverlongFirstBase, overlong.OverlongFirstLen = 0x7ffc0000, ^uint64(0)
	unreadable := sampleVmsplice()
	unreadable.ReadErr, unreadable.SegsScanned, unreadable.KernelSegs, unreadable.KernelFirst = 1, 0, 0, -1
	empty := sampleVmsplice()
	empty.NrSegs, empty.SegsScanned, empty.KernelSegs, empty.KernelFirst = 0, 0, 0, -1
	xfer := func(kind, valid uint32) []byte {
		x := &rawXfer{H: header(kind), FdIn: 3, FdOut: -1, OffIn: 0x7000, OffInVal: 4095, OffOut: 0x7008,
			OffOutVal: -1, Len: ^uint64(0), Flags: 0xffffffff, Valid: valid}
		return rawBytes(x)
	}
	return map[uint32][][]byte{
		kindVmsplice: {rawBytes(vm), rawBytes(overlong), rawBytes(unreadable)[:unsafe.Offsetof(vm.Iov)],
			rawBytes(empty)[:unsafe.Offsetof(vm.Iov)]},
		kindSplice:   {xfer(kindSplice, 0), xfer(kindSplice, 1), xfer(kindSplice, 3)},
		kindTee:      {xfer(kindTee, 0)},
		kindSendfile: {xfer(kindSendfile, 0), xfer(kindSendfile, 1)},
	}
}

// TestDecodersMatchCatalog is the drift test between the decoders and the
// event definitions: every kind in the decoder table decodes to a defined
// event; every argument it emits is defined, with the defined type; every
// required argument is emitted; and across the samples every defined
// argument, optional ones included, is emitted at least once. Each decoded
// event also validates against the JSON Schema.
func TestDecodersMatchCatalog(t *testing.T) {
	v, err := catalogtest.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	samples := catalogSamples()
	emitted := map[string]map[string]bool{}
	for _, kind := range slices.Sorted(maps.Keys(decoders)) {
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
			for _, a := range ev.Args {
				emitted[ev.Name][a.Name] = true
			}
		}
	}
	for name, args := range emitted {
		def, _ := catalog.Lookup(name)
		for _, a := range def.Args {
			if !args[a.Name] {
				t.Errorf("%s: %s is defined but no sample made the decoder emit it", name, a.Name)
			}
		}
	}
}

// TestEventNamesDefined checks that every event name the sensor can emit
// has a definition: the decoders' (found by decoding), events_lost, and
// every Name* constant of package event.
func TestEventNamesDefined(t *testing.T) {
	names := map[string]bool{event.NameEventsLost: true}
	for _, raws := range catalogSamples() {
		ev, err := decodeRecord(raws[0], monoClock{})
		if err != nil {
			t.Fatal(err)
		}
		names[ev.Name] = true
	}
	src, err := os.ReadFile("../event/event.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.HasPrefix(f[0], "Name") && f[1] == "=" {
			names[strings.Trim(f[2], `"`)] = true
		}
	}
	for name := range names {
		if _, ok := catalog.Lookup(name); !ok {
			t.Errorf("the sensor can emit %q, which has no definition in event/catalog", name)
		}
	}
	if got, want := len(catalog.Names()), len(names); got != want {
		t.Errorf("catalog defines %d events, the sensor emits %d: %v", got, want, slices.Sorted(maps.Keys(names)))
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

// TestHooksMatchObject checks the shipped hooks of every definition against
// the programs in the eBPF object: the same attach points, no more, no
// less; and that every mode named is one the sensor knows.
func TestHooksMatchObject(t *testing.T) {
	spec, err := loadTracepoint()
	if err != nil {
		t.Fatal(err)
	}
	var inObject []string
	for _, p := range spec.Programs {
		inObject = append(inObject, p.SectionName)
	}
	var defined []string
	for _, e := range catalog.All() {
		for _, h := range e.Hooks {
			if !slices.Contains(features.Modes(), features.Mode(h.Mode)) {
				t.Errorf("%s: unknown attach mode %q", e.Name, h.Mode)
			}
			if h.Mode == string(features.ModeTracepoint) && !h.Planned {
				defined = append(defined, h.Points...)
			}
		}
	}
	slices.Sort(inObject)
	slices.Sort(defined)
	if !slices.Equal(inObject, defined) {
		t.Errorf("tracepoint hooks:\n object %v\ncatalog %v", inObject, defined)
	}
}
