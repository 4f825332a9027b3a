package sensor

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ErrNotPermitted is returned when the process lacks the privileges to load
// eBPF programs.
var ErrNotPermitted = errors.New("splicewatch needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE) to load eBPF programs: run it with sudo")

// ErrNoBTF is returned when the kernel does not expose BTF.
var ErrNoBTF = errors.New("kernel BTF not found at /sys/kernel/btf/vmlinux: use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian, Ubuntu, Fedora and RHEL kernels since 2020 are)")

const (
	btfPath     = "/sys/kernel/btf/vmlinux"
	tracefsPath = "/sys/kernel/tracing"
)

// preflight checks what loading needs and mounts tracefs if it is missing.
func preflight() error {
	if os.Geteuid() != 0 {
		return ErrNotPermitted
	}
	if _, err := os.Stat(btfPath); err != nil {
		return ErrNoBTF
	}
	return ensureTracefs()
}

// ensureTracefs mounts tracefs at /sys/kernel/tracing when it is not mounted:
// attaching syscall tracepoints needs their ids from it.
func ensureTracefs() error {
	if _, err := os.Stat(tracefsPath + "/events"); err == nil {
		return nil
	}
	if _, err := os.Stat("/sys/kernel/debug/tracing/events"); err == nil {
		return nil
	}
	if err := unix.Mount("nodev", tracefsPath, "tracefs", 0, ""); err != nil {
		return fmt.Errorf("mount tracefs at %s (needed for syscall tracepoints): %w", tracefsPath, err)
	}
	return nil
}
