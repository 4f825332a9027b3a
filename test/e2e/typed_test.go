package e2e

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/sensor"
	"github.com/splicewatch/splicewatch/sensor/features"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// TestTypedReads checks that the programs use direct loads of kernel
// fields wherever the kernel offers bpf_rdonly_cast (6.2+): the sensor
// falls back to probe reads if the verifier refuses them, which would be
// correct but slower, so the fallback must not happen silently on the
// kernels we test.
func TestTypedReads(t *testing.T) {
	p := startPipeline(t, nil)
	r, err := features.Probe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel %s: typed reads available=%v (%s), used=%v", r.Kernel, r.TypedReads.Available,
		r.TypedReads.Reason, p.sensor.TypedReads())
	if r.TypedReads.Available != p.sensor.TypedReads() {
		t.Errorf("typed reads available=%v but used=%v", r.TypedReads.Available, p.sensor.TypedReads())
	}
}

// TestProgramMetrics checks the per-program metrics read from the kernel's
// eBPF statistics.
func TestProgramMetrics(t *testing.T) {
	requireRoot(t)
	stats, err := ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME))
	if err != nil {
		t.Skipf("no eBPF statistics on this kernel: %v", err)
	}
	defer stats.Close()
	reg := prometheus.NewRegistry()
	startPipeline(t, &sensor.Options{Registerer: reg})
	r, w, err := trigger.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(r)
	defer unix.Close(w)
	buf := make([]byte, 64)
	iov := []trigger.Iovec{{Base: uint64(uintptr(unsafe.Pointer(&buf[0]))), Len: 64}}
	for range 10 {
		if ret := trigger.Vmsplice(w, iov, 0); ret != 64 {
			t.Fatalf("vmsplice returned %d", ret)
		}
		if _, err := unix.Read(r, buf); err != nil {
			t.Fatal(err)
		}
	}
	runtime.KeepAlive(buf)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "program" && strings.HasSuffix(l.GetValue(), "_enter_vmsplice") {
					got[f.GetName()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	if got["splicewatch_bpf_program_runs_total"] < 10 {
		t.Errorf("runs of the vmsplice entry program: %v, want >= 10 (metrics %v)", got["splicewatch_bpf_program_runs_total"], got)
	}
	if got["splicewatch_bpf_program_runtime_seconds_total"] <= 0 {
		t.Errorf("run time of the vmsplice entry program: %v, want > 0", got["splicewatch_bpf_program_runtime_seconds_total"])
	}
	if _, ok := got["splicewatch_bpf_program_missed_total"]; !ok {
		t.Error("no splicewatch_bpf_program_missed_total for the vmsplice entry program")
	}
}
