// Package features tells what the running kernel offers the splicewatch sensor,
// and which attach mode the sensor's "auto" setting would pick on it.
//
// [Probe] checks each item for real where it can: BTF is parsed, trivial
// kprobe, fentry, tracepoint and LSM programs built with cilium/ebpf's asm
// package are loaded (and, except for LSM, attached and detached at once),
// and the ring buffer map type is created. Each item of the [Report] is a
// yes/no answer with the reason behind it, so an operator can see why a mode
// is missing: no CONFIG_KPROBES, EPERM from a security policy, tracefs not
// mounted, not running as root.
//
// Only a cancelled context makes Probe return an error; a probe that fails
// is recorded in its [Check]. The probes need root (CAP_BPF and
// CAP_PERFMON or CAP_SYS_ADMIN) to give useful answers. They leave nothing
// loaded behind.
package features
