package features

import (
	"errors"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

// report builds a synthetic report; hooks lists which required hooks are
// found in BTF and kallsyms.
func report(btf, kprobes, fentry, tracepoints, ringbuf, hooksBTF, hooksKallsyms bool) *Report {
	c := func(ok bool) Check { return Check{Available: ok, Reason: "synthetic"} }
	r := &Report{Machine: "x86_64", BTF: c(btf), Kprobes: c(kprobes), Fentry: c(fentry),
		Tracepoints: c(tracepoints), RingBuf: c(ringbuf), Hooks: newHooks("x86_64")}
	for i := range r.Hooks {
		r.Hooks[i].BTF, r.Hooks[i].Kallsyms = hooksBTF, hooksKallsyms
	}
	return r
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name string
		r    *Report
		want Mode
		why  string
	}{
		{"everything", report(true, true, true, true, true, true, true), ModeFentry, "most capable"},
		{"this machine", report(true, false, false, true, true, true, true), ModeTracepoint, "no kprobes"},
		{"no fentry", report(true, true, false, true, true, true, true), ModeKprobe, "no fentry/fexit"},
		{"no btf", report(false, true, true, true, true, false, true), ModeKprobe, "no BTF"},
		{"hooks missing from btf", report(true, true, true, true, true, false, true), ModeKprobe, "missing from BTF"},
		{"hooks missing everywhere", report(true, true, true, true, true, false, false), ModeTracepoint, "missing from kallsyms"},
		{"nothing", report(true, false, false, false, true, true, true), "", "no attach mode works"},
		{"no ringbuf", report(true, true, true, true, false, true, true), "", "ring buffer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.choose()
			if got.Mode != tt.want || !strings.Contains(got.Reason, tt.why) {
				t.Errorf("choose() = %+v, want mode %q and reason containing %q", got, tt.want, tt.why)
			}
			err := tt.r.Supports(ModeAuto)
			if (err == nil) != (tt.want != "") {
				t.Errorf("Supports(auto) = %v, but choose picked %q", err, got.Mode)
			}
			if err != nil && !errors.Is(err, ebpf.ErrNotSupported) {
				t.Errorf("Supports(auto) = %v, want ErrNotSupported", err)
			}
		})
	}
}

func TestSupportsUnknownArch(t *testing.T) {
	r := report(true, true, true, true, true, true, true)
	r.Machine, r.Hooks = "riscv64", newHooks("riscv64")
	if err := r.Supports(ModeFentry); !errors.Is(err, ebpf.ErrNotSupported) {
		t.Errorf("Supports(fentry) on riscv64 = %v, want ErrNotSupported", err)
	}
	if err := r.Supports(ModeTracepoint); err != nil {
		t.Errorf("Supports(tracepoint) on riscv64 = %v", err)
	}
	if err := r.Supports("lsm"); !errors.Is(err, ebpf.ErrNotSupported) {
		t.Errorf("Supports(lsm) = %v, want ErrNotSupported", err)
	}
}
