package sensor

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/splicewatch/splicewatch/sensor/features"
)

// calls are the system calls the sensor watches, as named in program names
// (sw_<mode>_{enter,exit}_<call>).
var calls = []string{"vmsplice", "splice", "tee", "sendfile"}

// memoryHooks feed the page-race check and the process table. They attach
// to tracepoints in every mode (tp_btf for fork and exit).
var memoryHooks = []string{"munmap", "madvise", "mremap", "fork", "exec", "exit"}

// hookFunc is the kernel function kprobe and fentry programs attach to.
var hookFunc = map[string]string{
	"vmsplice": "__x64_sys_vmsplice",
	"splice":   "__x64_sys_splice",
	"tee":      "__x64_sys_tee",
	"sendfile": "__x64_sys_sendfile64",

	"ia32vmsplice":         "__ia32_sys_vmsplice",
	"ia32splice":           "__ia32_sys_splice",
	"ia32tee":              "__ia32_sys_tee",
	"ia32sendfile64":       "__ia32_sys_sendfile64",
	"ia32compatsendfile64": "__ia32_compat_sys_sendfile64",
	"ia32compatsendfile":   "__ia32_compat_sys_sendfile",
}

// programSet describes the object of one attach mode.
type programSet struct {
	mode   features.Mode
	prefix string // program name prefix, e.g. "sw_kp_"
	load   func() (*ebpf.CollectionSpec, error)
}

var programSets = map[features.Mode]programSet{
	features.ModeTracepoint: {features.ModeTracepoint, "sw_tp_", loadTracepoint},
	features.ModeKprobe:     {features.ModeKprobe, "sw_kp_", loadKprobe},
	features.ModeFentry:     {features.ModeFentry, "sw_fe_", loadFentry},
}

// Names of the maps every program set shares.
var sharedMaps = []string{"sw_events", "sw_stats", "sw_pending", "sw_chunk", "sw_pathbuf", "sw_spliced",
	"sw_unwoken", "sw_config",
	"sw_excl_comm", "sw_excl_uid", "sw_excl_cgroup", "sw_excl_pid", "sw_sensitive", "sw_rates", "sw_paths"}

// callOf returns the call a program serves, from its name.
func callOf(progName string) string {
	return progName[strings.LastIndexByte(progName, '_')+1:]
}

// hookAvailable reports whether call's hook function exists for mode.
func hookAvailable(r *features.Report, mode features.Mode, call string) bool {
	if mode == features.ModeTracepoint {
		return true
	}
	for _, h := range r.Hooks {
		if h.Name == hookFunc[call] {
			if mode == features.ModeFentry {
				return h.BTF
			}
			return h.Kallsyms
		}
	}
	return false
}

// loadSet loads the programs of set for the given calls, sharing the maps
// of shared when it is not nil. It returns the collection and the ELF
// section of each program, which says where it attaches.
func (s *Sensor) loadSet(set programSet, want []string, shared map[string]*ebpf.Map) (*ebpf.Collection, map[string]string, error) {
	spec, err := set.load()
	if err != nil {
		return nil, nil, fmt.Errorf("load %s spec: %w", set.mode, err)
	}
	keep := map[string]bool{}
	for _, c := range want {
		keep[c] = true
	}
	sections := map[string]string{}
	for name, p := range spec.Programs {
		if !keep[callOf(name)] {
			delete(spec.Programs, name)
			continue
		}
		sections[name] = p.SectionName
	}
	spec.Maps["sw_events"].MaxEntries = uint32(s.opts.RingBufferBytes)
	if err := spec.Variables["sw_wakeup_bytes"].Set(wakeupPerCPU(s.opts.WakeupBytes, s.opts.RingBufferBytes)); err != nil {
		return nil, nil, fmt.Errorf("set wakeup threshold: %w", err)
	}
	if f := s.opts.Filter; f.active() {
		if err := spec.Variables["sw_filter_on"].Set(uint32(1)); err != nil {
			return nil, nil, fmt.Errorf("enable filter: %w", err)
		}
		if err := spec.Variables["sw_rate_limit"].Set(f.RateLimit); err != nil {
			return nil, nil, fmt.Errorf("set rate limit: %w", err)
		}
	}
	if s.typed {
		if err := spec.Variables["sw_use_cast"].Set(uint32(1)); err != nil {
			return nil, nil, fmt.Errorf("enable typed reads: %w", err)
		}
	}
	coll, err := ebpf.NewCollectionWithOptions(spec, ebpf.CollectionOptions{MapReplacements: shared})
	if err != nil && s.typed {
		// The kfunc is in BTF but this program type may not call it:
		// probe reads give the same answers, at a higher cost.
		s.opts.Logger.Warn("typed kernel reads refused: falling back to probe reads", "mode", set.mode, "err", err)
		s.typed = false
		return s.loadSet(set, want, shared)
	}
	if err != nil {
		var verr *ebpf.VerifierError
		if errors.As(err, &verr) {
			return nil, nil, fmt.Errorf("load %s programs (verifier log follows): %+v", set.mode, verr)
		}
		if errors.Is(err, os.ErrPermission) {
			return nil, nil, fmt.Errorf("load %s programs: %w (%w)", set.mode, err, ErrNotPermitted)
		}
		return nil, nil, fmt.Errorf("load %s programs: %w", set.mode, err)
	}
	return coll, sections, nil
}

// attachColl attaches every program of coll, exits before entries so that
// no entry is recorded without an exit to collect it.
func (s *Sensor) attachColl(coll *ebpf.Collection, spec map[string]string) error {
	for _, phase := range []string{"_exit_", "_enter_"} {
		for name, prog := range coll.Programs {
			if !strings.Contains(name, phase) {
				continue
			}
			l, err := attachProgram(prog, spec[name])
			if err != nil {
				return fmt.Errorf("attach %s: %w", name, err)
			}
			s.links = append(s.links, l)
		}
	}
	return nil
}

// attachProgram attaches prog according to its ELF section name.
func attachProgram(prog *ebpf.Program, section string) (link.Link, error) {
	kind, target, _ := strings.Cut(section, "/")
	switch kind {
	case "tracepoint":
		group, name, _ := strings.Cut(target, "/")
		return link.Tracepoint(group, name, prog, nil)
	case "kprobe":
		return link.Kprobe(target, prog, nil)
	case "kretprobe":
		return link.Kretprobe(target, prog, nil)
	case "fentry", "fexit", "tp_btf":
		return link.AttachTracing(link.TracingOptions{Program: prog})
	}
	return nil, fmt.Errorf("unknown section %q", section)
}

// wakeupPerCPU is the number of bytes each CPU sends before it wakes the
// reader. Each CPU counts on its own (no helper call to query the ring), so
// the ring may hold up to one threshold per CPU before the reader wakes:
// the threshold is capped at a quarter of the ring shared by all CPUs.
func wakeupPerCPU(wakeup, ring int) uint64 {
	n, err := ebpf.PossibleCPU()
	if err != nil || n < 1 {
		n = runtime.NumCPU()
	}
	return uint64(max(1, min(wakeup, ring/(4*n))))
}
