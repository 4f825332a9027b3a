package features

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	ebpffeatures "github.com/cilium/ebpf/features"
	"golang.org/x/sys/unix"
)

// Options tunes [Probe]. A nil *Options is valid and means the defaults.
type Options struct {
	// Logger receives one debug record per probe. Nil discards them.
	Logger *slog.Logger
}

// Probe checks the running kernel and returns what it found. It returns an
// error only when ctx is done; each probe's failure is part of the report.
func Probe(ctx context.Context, opts *Options) (*Report, error) {
	log := slog.New(slog.DiscardHandler)
	if opts != nil && opts.Logger != nil {
		log = opts.Logger
	}
	r := &Report{Root: os.Geteuid() == 0}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return nil, fmt.Errorf("uname: %w", err)
	}
	r.Kernel, r.Machine = unix.ByteSliceToString(uts.Release[:]), unix.ByteSliceToString(uts.Machine[:])
	r.Hooks = newHooks(r.Machine)

	steps := []struct {
		name string
		run  func(*state)
	}{
		{"btf", func(s *state) { s.spec, r.BTF = probeBTF() }},
		{"hooks", func(s *state) { r.Kallsyms = lookupHooks(r.Hooks, s.spec) }},
		{"tracefs", func(s *state) { s.tracefs, r.Tracefs = probeTracefs() }},
		{"tracepoints", func(s *state) { r.Tracepoints = probeTracepoints(s.tracefs) }},
		{"kprobes", func(s *state) {
			r.Kprobes = probeKprobes(s.tracefs, firstRequired(r.Hooks, func(h Hook) bool { return h.Kallsyms }))
		}},
		{"fentry", func(s *state) {
			r.Fentry = probeFentry(s.spec, firstRequired(r.Hooks, func(h Hook) bool { return h.BTF }))
		}},
		{"bpf_lsm", func(s *state) { r.BPFLSM = probeBPFLSM(s.spec) }},
		{"typed_reads", func(s *state) { r.TypedReads = probeTypedReads(s.spec) }},
		{"ringbuf", func(*state) { r.RingBuf = probeRingBuf() }},
		{"lockdown", func(*state) { r.Lockdown = probeLockdown() }},
	}
	var s state
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("probe %s: %w", step.name, err)
		}
		step.run(&s)
		log.DebugContext(ctx, "probed", "item", step.name)
	}
	r.Auto = r.choose()
	r.IA32 = r.ia32()
	return r, nil
}

// ia32 reports whether the kernel has a 32-bit system call entry, whose
// calls the syscall tracepoints do not see, and which modes watch it.
func (r *Report) ia32() Check {
	for _, h := range r.Hooks {
		if h.Name == "__ia32_sys_vmsplice" && (h.BTF || h.Kallsyms) {
			return yes("32-bit (int $0x80) calls exist: fentry and kprobe modes hook their __ia32_* wrappers; " +
				"tracepoint mode watches them only with sensor.compat_syscalls: on (a cost to every system call)")
		}
	}
	return no("no __ia32_sys_vmsplice: the kernel has no 32-bit system call entry, nothing to watch")
}

// state carries what one probe finds for the next ones.
type state struct {
	spec    *btf.Spec
	tracefs string
}

// lookupHooks fills in where each hook is found, and reports how the
// kallsyms lookup went.
func lookupHooks(hooks []Hook, spec *btf.Spec) Check {
	names := make([]string, len(hooks))
	for i, h := range hooks {
		names[i] = h.Name
		hooks[i].BTF = hasFunc(spec, h.Name)
	}
	hits, err := readKallsyms("/proc/kallsyms", names)
	if err != nil {
		return no(err.Error())
	}
	found := 0
	for i := range hooks {
		if h := hits[hooks[i].Name]; h != nil {
			hooks[i].Kallsyms, hooks[i].Variants = h.exact, h.variants
			if h.exact {
				found++
			}
		}
	}
	return yes(fmt.Sprintf("/proc/kallsyms lists %d of %d hooks", found, len(hooks)))
}

func probeRingBuf() Check {
	err := ebpffeatures.HaveMapType(ebpf.RingBuf)
	switch {
	case err == nil:
		return yes("BPF_MAP_TYPE_RINGBUF map created")
	case errors.Is(err, ebpf.ErrNotSupported):
		return no("BPF_MAP_TYPE_RINGBUF not supported (needs Linux 5.8)")
	}
	return no("probe BPF_MAP_TYPE_RINGBUF: " + explain(err))
}

// explain renders a load or attach error, with a hint for the common causes.
func explain(err error) string {
	// cilium/ebpf suggests raising RLIMIT_MEMLOCK on any EPERM while the limit
	// is finite; since Linux 5.11 BPF memory is charged to the memory cgroup
	// instead, so on such kernels the hint only misleads.
	msg := err.Error()
	if v, verr := ebpffeatures.LinuxVersionCode(); verr == nil && v >= 5<<16|11<<8 {
		msg = strings.Replace(msg, " (MEMLOCK may be too low, consider rlimit.RemoveMemlock)", "", 1)
	}
	switch {
	case errors.Is(err, unix.EPERM) && os.Geteuid() != 0:
		msg += " (not running as root)"
	case errors.Is(err, unix.EPERM):
		msg += " (refused by the kernel or a security policy although running as root)"
	case errors.Is(err, ebpf.ErrNotSupported):
		msg += " (not supported by this kernel)"
	}
	return msg
}
