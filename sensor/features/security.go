package features

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

const securityfs = "/sys/kernel/security"

var errNoSecurityfs = fmt.Errorf("securityfs not mounted: run `mount -t securityfs securityfs %s`", securityfs)

// readSecurityfs reads one securityfs file, telling an unmounted securityfs
// apart from a missing file.
func readSecurityfs(name string) (string, error) {
	b, err := os.ReadFile(securityfs + "/" + name)
	if errors.Is(err, fs.ErrNotExist) {
		if entries, derr := os.ReadDir(securityfs); derr == nil && len(entries) == 0 {
			return "", errNoSecurityfs
		}
	}
	if err != nil {
		return "", fmt.Errorf("read securityfs: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// probeBPFLSM checks that "bpf" is among the active LSMs, then loads a
// trivial LSM program for file_open (it is not attached).
func probeBPFLSM(spec *btf.Spec) Check {
	list, err := readSecurityfs("lsm")
	if err != nil {
		return no("active LSM list unknown: " + err.Error())
	}
	if !hasLSM(list, "bpf") {
		return no(fmt.Sprintf("bpf is not an active LSM (%s): add it to the lsm= boot parameter", list))
	}
	if spec == nil {
		return no("bpf LSM is active but kernel BTF is not available")
	}
	prog, err := trivialProgram(ebpf.LSM, "file_open", ebpf.AttachLSMMac, &ebpf.ProgramOptions{KernelTypes: spec})
	if err != nil {
		return no("bpf LSM is active but loading an LSM program failed: " + explain(err))
	}
	prog.Close()
	return yes(fmt.Sprintf("bpf is an active LSM (%s); LSM program for file_open loaded", list))
}

// hasLSM reports whether the comma-separated LSM list contains name.
func hasLSM(list, name string) bool {
	for _, l := range strings.Split(list, ",") {
		if strings.TrimSpace(l) == name {
			return true
		}
	}
	return false
}

// parseLockdown returns the selected mode of a lockdown file such as
// "none [integrity] confidentiality".
func parseLockdown(s string) (string, error) {
	for _, f := range strings.Fields(s) {
		if len(f) > 2 && f[0] == '[' && f[len(f)-1] == ']' {
			return f[1 : len(f)-1], nil
		}
	}
	return "", fmt.Errorf("no selected mode in %q", s)
}

// probeLockdown reads the kernel lockdown mode.
func probeLockdown() Lockdown {
	s, err := readSecurityfs("lockdown")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Lockdown{Mode: "none", Check: yes("no lockdown LSM in this kernel")}
		}
		return Lockdown{Mode: "unknown", Check: yes("lockdown mode unknown, " + err.Error() +
			"; the trial loads above show what the kernel allows")}
	}
	mode, err := parseLockdown(s)
	if err != nil {
		return Lockdown{Mode: "unknown", Check: yes("lockdown mode unknown: " + err.Error())}
	}
	switch mode {
	case "confidentiality":
		return Lockdown{Mode: mode, Check: no("confidentiality lockdown forbids BPF reads of kernel memory")}
	case "integrity":
		return Lockdown{Mode: mode, Check: yes("integrity lockdown forbids bpf_probe_write_user only, which the sensor does not use")}
	}
	return Lockdown{Mode: mode, Check: yes("lockdown " + mode)}
}
