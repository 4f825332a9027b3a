package builtin

import (
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// KernelIOVBase is SPW-001: a vmsplice whose iovec points into kernel space,
// in any segment and in either direction. On a read-end pipe this is the
// kernel write primitive of CVE-2008-0009/0010/0600; on a write end it leaks
// kernel memory into the pipe. A patched kernel fails the call with EFAULT,
// but the attempt is still reported.
type KernelIOVBase struct{}

// Metadata implements sdk.Signature.
func (*KernelIOVBase) Metadata() sdk.Metadata {
	return sdk.Metadata{
		ID:       "SPW-001",
		Name:     "vmsplice with a kernel-space iov_base",
		Severity: event.SeverityCritical,
		Description: "A vmsplice iovec segment points at or above the task's user-space limit. " +
			"User programs never do this; kernel exploits of the vmsplice family " +
			"(CVE-2008-0009/0010/0600) do, to read or write kernel memory through a pipe.",
		Tags:    []string{"vmsplice", "kernel-memory", "exploit"},
		MITRE:   []string{"T1068"},
		Version: "1.0.0",
	}
}

// Events implements sdk.Signature.
func (*KernelIOVBase) Events() []string { return []string{event.NameVmsplice} }

// OnEvent implements sdk.Signature.
func (*KernelIOVBase) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	n, _ := ev.Args.Uint("kernel_segs")
	if n == 0 {
		return nil
	}
	idx, _ := ev.Args.Int("kernel_first")
	addr, _ := ev.Args.Uint("kernel_first_base")
	limit, _ := ev.Args.Uint("user_limit")
	emit(map[string]any{
		"segment":     idx,
		"address":     addr,
		"kernel_segs": n,
		"user_limit":  limit,
	})
	return nil
}
