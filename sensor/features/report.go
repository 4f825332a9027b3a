package features

// Check is the answer to one question about the kernel.
type Check struct {
	Available bool `json:"available"`
	// Reason says what was tried and what happened, in a form an operator
	// can act on.
	Reason string `json:"reason"`
}

// Lockdown is the kernel lockdown state. Available is false only when the
// mode keeps the sensor from working (confidentiality forbids BPF reads of
// kernel memory).
type Lockdown struct {
	Check
	// Mode is none, integrity, confidentiality, or unknown when securityfs
	// cannot be read.
	Mode string `json:"mode"`
}

// Hook is one kernel function the sensor may attach to, and where it was found.
type Hook struct {
	Name string `json:"name"`
	// Required marks the native syscall entry points that the kprobe and
	// fentry modes attach to; the others are informational.
	Required bool `json:"required"`
	// BTF is true when vmlinux BTF has a function of exactly this name
	// (fentry/fexit can attach to it).
	BTF bool `json:"btf"`
	// Kallsyms is true when /proc/kallsyms lists a text symbol of exactly
	// this name (a kprobe can attach to it).
	Kallsyms bool `json:"kallsyms"`
	// Variants are kallsyms names of the same function with a compiler
	// suffix, such as do_splice.isra.0.
	Variants []string `json:"variants,omitempty"`
}

// Report is what [Probe] found on the running kernel.
type Report struct {
	// Kernel is the kernel release, Machine its architecture (uname -r, -m).
	Kernel  string `json:"kernel"`
	Machine string `json:"machine"`
	// Root is true when the probing process ran with effective uid 0.
	Root bool `json:"root"`

	BTF         Check `json:"btf"`
	Tracefs     Check `json:"tracefs"`
	Tracepoints Check `json:"tracepoints"`
	Kprobes     Check `json:"kprobes"`
	Fentry      Check `json:"fentry"`
	BPFLSM      Check `json:"bpf_lsm"`
	RingBuf     Check `json:"ringbuf"`
	// TypedReads says whether the kernel has the bpf_rdonly_cast kfunc
	// (6.2+), with which the programs load kernel fields directly instead
	// of through one helper call per field. Without it the sensor works
	// the same, at a higher cost per event.
	TypedReads Check `json:"typed_reads"`
	// IA32 says whether the kernel has a 32-bit (ia32) system call entry,
	// which any process can use with `int $0x80`. The syscall tracepoints
	// skip its calls; see sensor.Compat for how they are watched.
	IA32     Check    `json:"ia32"`
	Lockdown Lockdown `json:"lockdown"`
	// Kallsyms says whether /proc/kallsyms could be searched for the hooks.
	Kallsyms Check  `json:"kallsyms"`
	Hooks    []Hook `json:"hooks"`

	// Auto is the mode the sensor's auto setting picks on this kernel.
	Auto Choice `json:"auto"`
}

func yes(reason string) Check { return Check{Available: true, Reason: reason} }

func no(reason string) Check { return Check{Reason: reason} }
