package features

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
)

// probeFentry loads trivial fentry and fexit programs against target, a
// function in the kernel's BTF, and attaches them.
func probeFentry(spec *btf.Spec, target string) Check {
	if spec == nil {
		return no("needs kernel BTF, which is not available")
	}
	if target == "" {
		return no("no required syscall hook is a function in kernel BTF")
	}
	opts := &ebpf.ProgramOptions{KernelTypes: spec}
	for _, at := range []ebpf.AttachType{ebpf.AttachTraceFEntry, ebpf.AttachTraceFExit} {
		prog, err := trivialProgram(ebpf.Tracing, target, at, opts)
		if err != nil {
			return no(fmt.Sprintf("load %s program for %s: %s", at, target, explain(err)))
		}
		l, err := link.AttachTracing(link.TracingOptions{Program: prog, AttachType: at})
		if err != nil {
			prog.Close()
			return no(fmt.Sprintf("attach %s program to %s: %s", at, target, explain(err)))
		}
		l.Close()
		prog.Close()
	}
	return yes(fmt.Sprintf("fentry and fexit programs loaded and attached to %s", target))
}
