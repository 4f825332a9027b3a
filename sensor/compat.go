package sensor

import (
	"fmt"
	"strings"

	"github.com/splicewatch/splicewatch/sensor/features"
)

// Compat says whether the sensor watches 32-bit (ia32) system calls. Any
// x86_64 process may make them with `int $0x80` when the kernel has ia32
// emulation, and the syscall tracepoints do not see them.
type Compat string

const (
	// CompatAuto watches 32-bit calls where that costs nothing: through
	// the __ia32_sys_* wrappers in the fentry and kprobe modes. In
	// tracepoint mode it leaves them unwatched and logs a warning.
	CompatAuto Compat = "auto"
	// CompatOn watches 32-bit calls in every mode. Without ia32 hooks
	// (tracepoint mode, or wrappers missing) it uses the raw sys_enter and
	// sys_exit tracepoints, which run a short program on every system
	// call of every process on the host.
	CompatOn Compat = "on"
	// CompatOff never watches 32-bit calls.
	CompatOff Compat = "off"
)

// ParseCompat parses a Compat setting; "" is auto.
func ParseCompat(s string) (Compat, error) {
	switch c := Compat(strings.ToLower(strings.TrimSpace(s))); c {
	case "":
		return CompatAuto, nil
	case CompatAuto, CompatOn, CompatOff:
		return c, nil
	}
	return "", fmt.Errorf("unknown compat_syscalls setting %q (want auto, on or off)", s)
}

// How 32-bit calls are watched (Sensor.Compat).
const (
	compatHooks = "ia32 hooks"      // __ia32_sys_* wrappers, fentry or kprobe
	compatRawTP = "raw tracepoints" // tp_btf sys_enter/sys_exit, tracepoint object
)

// compatCalls name the programs of the ia32 wrappers in the fentry and
// kprobe objects (sw_<mode>_{enter,exit}_<call>); rawCompat names the
// tracepoint object's raw sys_enter/sys_exit pair.
var compatCalls = []string{
	"ia32vmsplice", "ia32splice", "ia32tee",
	"ia32sendfile64", "ia32compatsendfile64", "ia32compatsendfile",
}

const rawCompat = "compat"

// compatPlan decides how 32-bit calls are watched in mode: the ia32
// wrapper programs to load with the mode's object, whether to load the
// raw tracepoint pair instead, and how the result is described ("" when
// they are not watched, with the reason in note).
func compatPlan(r *features.Report, mode features.Mode, setting Compat) (hooks []string, raw bool, how, note string) {
	if setting == CompatOff {
		return nil, false, "", "sensor.compat_syscalls is off"
	}
	if !r.IA32.Available {
		return nil, false, "", "the kernel has no 32-bit system call entry (no ia32 emulation)"
	}
	if mode != features.ModeTracepoint {
		var missing []string
		for _, c := range compatCalls {
			if hookAvailable(r, mode, c) {
				hooks = append(hooks, c)
			} else {
				missing = append(missing, hookFunc[c])
			}
		}
		if ia32Covered(hooks) {
			return hooks, false, compatHooks, ""
		}
		hooks = nil
		if setting == CompatAuto {
			return nil, false, "", fmt.Sprintf("ia32 wrappers missing for mode %s: %s", mode, strings.Join(missing, ", "))
		}
	} else if setting == CompatAuto {
		return nil, false, "", "tracepoint mode sees them only on the raw sys_enter/sys_exit tracepoints, which cost every " +
			"system call on the host; set sensor.compat_syscalls: on to pay that, or boot with ia32_emulation=0"
	}
	return nil, true, compatRawTP, ""
}

// ia32Covered says whether the wrapper programs in hooks see every watched
// 32-bit call. sendfile64 is served by one wrapper or the other, depending
// on the kernel.
func ia32Covered(hooks []string) bool {
	have := map[string]bool{}
	for _, h := range hooks {
		have[h] = true
	}
	return have["ia32vmsplice"] && have["ia32splice"] && have["ia32tee"] && have["ia32compatsendfile"] &&
		(have["ia32sendfile64"] || have["ia32compatsendfile64"])
}
