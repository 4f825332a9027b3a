package features

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
)

// kprobePMU is the perf event source cilium/ebpf prefers for kprobes.
const kprobePMU = "/sys/bus/event_source/devices/kprobe"

// probeKprobes loads a trivial kprobe program and attaches it as a kprobe
// and a kretprobe to target, a function kallsyms lists.
func probeKprobes(tracefs, target string) Check {
	_, pmuErr := os.Stat(kprobePMU)
	eventsErr := errors.New("tracefs not mounted")
	if tracefs != "" {
		_, eventsErr = os.Stat(filepath.Join(tracefs, "kprobe_events"))
	}
	if pmuErr != nil && eventsErr != nil {
		return no(fmt.Sprintf("no %s and no kprobe_events in tracefs: kernel built without CONFIG_KPROBES", kprobePMU))
	}
	if target == "" {
		return no("no required syscall hook is listed in /proc/kallsyms")
	}
	prog, err := trivialProgram(ebpf.Kprobe, "", 0, nil)
	if err != nil {
		return no("load kprobe program: " + explain(err))
	}
	defer prog.Close()
	kp, err := link.Kprobe(target, prog, nil)
	if err != nil {
		return no(fmt.Sprintf("attach kprobe to %s: %s", target, explain(err)))
	}
	kp.Close()
	krp, err := link.Kretprobe(target, prog, nil)
	if err != nil {
		return no(fmt.Sprintf("attach kretprobe to %s: %s", target, explain(err)))
	}
	krp.Close()
	return yes(fmt.Sprintf("kprobe and kretprobe attached to %s", target))
}
