package features

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
)

// Mode is how the sensor attaches to the kernel.
type Mode string

// The attach modes. Auto picks the first of fentry, kprobe and tracepoint
// that the kernel supports.
const (
	ModeAuto       Mode = "auto"
	ModeFentry     Mode = "fentry"
	ModeKprobe     Mode = "kprobe"
	ModeTracepoint Mode = "tracepoint"
)

// Modes returns the concrete attach modes in the order auto prefers them.
func Modes() []Mode {
	return []Mode{ModeFentry, ModeKprobe, ModeTracepoint}
}

// ParseMode parses a --probe-mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAuto, ModeFentry, ModeKprobe, ModeTracepoint:
		return m, nil
	}
	return "", fmt.Errorf("unknown probe mode %q (want auto, fentry, kprobe or tracepoint)", s)
}

// Choice is the mode auto picks and why.
type Choice struct {
	// Mode is empty when no mode works on this kernel.
	Mode   Mode   `json:"mode"`
	Reason string `json:"reason"`
}

// Supports returns nil when the sensor can run in mode m on the probed
// kernel, and otherwise an error wrapping [ebpf.ErrNotSupported] that says why.
// For [ModeAuto] it reports whether any mode works.
func (r *Report) Supports(m Mode) error {
	if !r.RingBuf.Available {
		return fmt.Errorf("mode %s needs the BPF ring buffer: %s: %w", m, r.RingBuf.Reason, ebpf.ErrNotSupported)
	}
	switch m {
	case ModeAuto:
		if c := r.choose(); c.Mode == "" {
			return fmt.Errorf("mode auto: %s: %w", c.Reason, ebpf.ErrNotSupported)
		}
		return nil
	case ModeFentry:
		return r.need(m, []named{{"BTF", r.BTF}, {"fentry/fexit", r.Fentry}}, "BTF", func(h Hook) bool { return h.BTF })
	case ModeKprobe:
		return r.need(m, []named{{"kprobes", r.Kprobes}}, "kallsyms", func(h Hook) bool { return h.Kallsyms })
	case ModeTracepoint:
		if !r.Tracepoints.Available {
			return fmt.Errorf("mode tracepoint: %s: %w", r.Tracepoints.Reason, ebpf.ErrNotSupported)
		}
		return nil
	}
	return fmt.Errorf("mode %q: unknown mode: %w", m, ebpf.ErrNotSupported)
}

// named is a check with the name used in error messages.
type named struct {
	name string
	c    Check
}

// need checks that each feature is available and that every required hook
// is found (by has) in where.
func (r *Report) need(m Mode, checks []named, where string, has func(Hook) bool) error {
	for _, n := range checks {
		if !n.c.Available {
			return fmt.Errorf("mode %s: no %s: %s: %w", m, n.name, n.c.Reason, ebpf.ErrNotSupported)
		}
	}
	var missing []string
	required := 0
	for _, h := range r.Hooks {
		if !h.Required {
			continue
		}
		required++
		if !has(h) {
			missing = append(missing, h.Name)
		}
	}
	if required == 0 {
		return fmt.Errorf("mode %s: no syscall hook names known for %s: %w", m, r.Machine, ebpf.ErrNotSupported)
	}
	if len(missing) > 0 {
		return fmt.Errorf("mode %s: required hooks missing from %s: %s: %w",
			m, where, strings.Join(missing, ", "), ebpf.ErrNotSupported)
	}
	return nil
}

// choose applies auto's preference order to the report.
func (r *Report) choose() Choice {
	if !r.RingBuf.Available {
		return Choice{Reason: "every mode needs the BPF ring buffer: " + r.RingBuf.Reason}
	}
	var skipped []string
	for _, m := range Modes() {
		err := r.Supports(m)
		if err == nil {
			reason := fmt.Sprintf("%s is the most capable mode this kernel supports", m)
			if len(skipped) > 0 {
				reason += " (" + strings.Join(skipped, "; ") + ")"
			}
			return Choice{Mode: m, Reason: reason}
		}
		skipped = append(skipped, strings.TrimSuffix(err.Error(), ": "+ebpf.ErrNotSupported.Error()))
	}
	return Choice{Reason: "no attach mode works: " + strings.Join(skipped, "; ")}
}
