package features

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cilium/ebpf/rlimit"
)

// Environment variables set by the qemu kernel matrix (test/kernels): the
// items that kernel must have, and the attach mode under test.
const (
	envExpect = "SPLICEWATCH_EXPECT"
	envMode   = "SPLICEWATCH_PROBE_MODE"
)

// probeKernel runs Probe on the real kernel. Without root it skips, unless
// CI is set, where a missing privilege must not hide a broken probe.
func probeKernel(t *testing.T) *Report {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("kernel feature tests need root and CI is set")
		}
		t.Skip("kernel feature tests need root")
	}
	r, err := probeOnce()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// probeOnce probes the kernel once per test binary: under qemu's emulation
// parsing BTF alone takes seconds. Tests must not modify the report.
var probeOnce = sync.OnceValues(func() (*Report, error) {
	if err := rlimit.RemoveMemlock(); err != nil {
		return nil, fmt.Errorf("remove memlock limit: %w", err)
	}
	return Probe(context.Background(), nil)
})

// mustHave fails the test when the kernel lacks an item every supported
// kernel (5.8 or later, with BTF) has.
func mustHave(t *testing.T, name string, c Check) {
	t.Helper()
	if !c.Available {
		t.Errorf("%s: not available: %s", name, c.Reason)
	}
}

func TestProbeRunningKernel(t *testing.T) {
	r := probeKernel(t)
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", text.String())

	mustHave(t, "btf", r.BTF)
	mustHave(t, "tracefs", r.Tracefs)
	mustHave(t, "tracepoints", r.Tracepoints)
	mustHave(t, "ringbuf", r.RingBuf)
	mustHave(t, "kallsyms", r.Kallsyms)
	for _, h := range r.Hooks {
		if h.Required && (!h.BTF || !h.Kallsyms) {
			t.Errorf("required hook %s: btf=%v kallsyms=%v", h.Name, h.BTF, h.Kallsyms)
		}
	}
	if r.Auto.Mode == "" {
		t.Errorf("auto picks no mode: %s", r.Auto.Reason)
	}
	if err := r.Supports(r.Auto.Mode); err != nil {
		t.Errorf("auto picked %s, which is not supported: %v", r.Auto.Mode, err)
	}
	if !strings.Contains(text.String(), "auto mode: "+string(r.Auto.Mode)) {
		t.Errorf("text report does not end with the auto mode")
	}
	// A mode chosen by auto must be the first supported one.
	for _, m := range Modes() {
		if m == r.Auto.Mode {
			break
		}
		if r.Supports(m) == nil {
			t.Errorf("auto picked %s although %s, preferred, is supported", r.Auto.Mode, m)
		}
	}
}

// TestProbeExpected checks the items the environment says this kernel has:
// the qemu matrix sets SPLICEWATCH_EXPECT=kprobes,fentry,bpf_lsm for the
// Debian kernel, and SPLICEWATCH_PROBE_MODE to the mode under test.
func TestProbeExpected(t *testing.T) {
	expect, mode := os.Getenv(envExpect), os.Getenv(envMode)
	if expect == "" && mode == "" {
		t.Skipf("%s and %s unset: nothing more is known about this kernel", envExpect, envMode)
	}
	r := probeKernel(t)
	items := map[string]Check{
		"btf": r.BTF, "tracefs": r.Tracefs, "tracepoints": r.Tracepoints, "kprobes": r.Kprobes,
		"fentry": r.Fentry, "bpf_lsm": r.BPFLSM, "ringbuf": r.RingBuf, "lockdown": r.Lockdown.Check,
		"typed_reads": r.TypedReads,
	}
	for _, name := range strings.Split(expect, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		c, ok := items[name]
		if !ok {
			t.Fatalf("%s names unknown item %q", envExpect, name)
		}
		mustHave(t, name, c)
	}
	if mode != "" {
		m, err := ParseMode(mode)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Supports(m); err != nil {
			t.Error(err)
		}
	}
}

func TestReportJSON(t *testing.T) {
	r := probeKernel(t)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("JSON round trip changed the report:\n%s\n%s", b, b2)
	}
	for _, key := range []string{`"btf":{"available":true`, `"auto":{"mode":"`, `"lockdown":{"available":`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

func TestProbeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Probe(ctx, nil); err == nil {
		t.Fatal("Probe with a cancelled context returned no error")
	}
}
