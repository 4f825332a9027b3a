package features

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf/btf"
)

const vmlinuxBTF = "/sys/kernel/btf/vmlinux"

// probeBTF parses the kernel's BTF. The spec is nil when it is not usable.
func probeBTF() (*btf.Spec, Check) {
	fi, err := os.Stat(vmlinuxBTF)
	if err != nil {
		return nil, no(fmt.Sprintf("%s: %s (kernel built without CONFIG_DEBUG_INFO_BTF?)", vmlinuxBTF, err))
	}
	f, err := os.Open(vmlinuxBTF)
	if err != nil {
		return nil, no(fmt.Sprintf("%s not readable: %s", vmlinuxBTF, err))
	}
	f.Close()
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return nil, no(fmt.Sprintf("%s not parseable: %s", vmlinuxBTF, err))
	}
	if _, err := spec.AnyTypeByName("task_struct"); err != nil {
		return nil, no(fmt.Sprintf("%s parsed but has no task_struct: %s", vmlinuxBTF, err))
	}
	return spec, yes(fmt.Sprintf("%s parsed (%d KiB)", vmlinuxBTF, fi.Size()/1024))
}

// hasFunc reports whether spec describes a kernel function called name.
func hasFunc(spec *btf.Spec, name string) bool {
	if spec == nil {
		return false
	}
	var fn *btf.Func
	err := spec.TypeByName(name, &fn)
	return err == nil || errors.Is(err, btf.ErrMultipleMatches)
}

// probeTypedReads looks for the bpf_rdonly_cast kfunc in the kernel's BTF.
func probeTypedReads(spec *btf.Spec) Check {
	if spec == nil {
		return no("no kernel BTF")
	}
	if !hasFunc(spec, "bpf_rdonly_cast") {
		return no("no bpf_rdonly_cast kfunc (kernel before 6.2): kernel fields are read with one helper call each")
	}
	return yes("bpf_rdonly_cast kfunc: kernel fields are loaded directly")
}
