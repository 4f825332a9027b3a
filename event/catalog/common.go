package catalog

// Facts shared by the definitions (include/linux/splice.h, x86_64).
const (
	// maxRWCount is MAX_RW_COUNT on 4 KiB pages: INT_MAX & PAGE_MASK.
	maxRWCount = "MAX_RW_COUNT (0x7ffff000 bytes, just under 2 GiB)"
	// flagPattern matches the hex string the sensor uses for undefined bits.
	flagPattern = "^0x[0-9a-f]+$"
)

// spliceFlagNames lists the SPLICE_F_* names, lowest bit first.
var spliceFlagNames = []string{"SPLICE_F_MOVE", "SPLICE_F_NONBLOCK", "SPLICE_F_MORE", "SPLICE_F_GIFT"}

// flagNamesArg is the derived flag_names argument of vmsplice, splice and tee.
func flagNamesArg() Arg {
	return Arg{
		Name: "flag_names", Type: TypeStrings, Tags: []Tag{TagDerived},
		Enum: spliceFlagNames, Pattern: flagPattern,
		Description: "The names of the bits set in `flags`: SPLICE_F_MOVE (0x01), SPLICE_F_NONBLOCK (0x02), " +
			"SPLICE_F_MORE (0x04), SPLICE_F_GIFT (0x08), lowest bit first. Any other bits are reported " +
			"together as one hex string such as \"0x10\". An undefined bit among the low 32 fails the call with " +
			"EINVAL; higher bits, which only vmsplice's 64-bit `flags` can carry, are ignored by the kernel. " +
			"Empty when `flags` is 0.",
	}
}

// compatArg marks a call made through the 32-bit (ia32) entry.
func compatArg() Arg {
	return Arg{Name: "compat", Type: TypeBool, Tags: []Tag{TagKernel, TagOptional},
		Description: "True when the call came through the 32-bit (ia32) system call entry: a 32-bit program, or " +
			"`int $0x80` from a 64-bit one. Pointers, sizes and offsets are then 32-bit values, zero-extended " +
			"(sendfile's `offset` points to a 32-bit `compat_off_t` for system call 187 and to a 64-bit one for " +
			"sendfile64, 239), and an iovec segment is 8 bytes, widened here. Absent for 64-bit calls. Legitimate " +
			"32-bit programs are rare on x86_64 hosts; a 64-bit process that switches entry for these calls is " +
			"worth a look."}
}

// compatFrom64Arg says who made a 32-bit call.
func compatFrom64Arg() Arg {
	return Arg{Name: "compat_from_64bit", Type: TypeBool, Tags: []Tag{TagKernel, TagDerived, TagOptional},
		Description: "Present with `compat`: true when the caller is a 64-bit program (its address space, " +
			"`mm->task_size`, reaches past 4 GiB) that chose the 32-bit entry. A 64-bit program has no need of " +
			"it for these calls; taking it walks around sensors that hook only the 64-bit entry (SPW-011)."}
}

// fdArg is a file descriptor register argument.
func fdArg(name, desc string) Arg {
	return Arg{Name: name, Type: TypeInt32, Description: desc}
}

// ia32Note says how each mode sees 32-bit (ia32) calls.
const ia32Note = "32-bit (ia32) system calls, made by 32-bit programs or through `int $0x80` from any program, " +
	"carry `compat: true`. "

// syscallHooks returns the hooks of a system call in every attach mode.
// tp is the name of its syscall tracepoints (sys_enter_<tp>), fn the x86_64
// syscall entry function the kprobe and fentry modes attach to, and ia32
// the wrappers of its 32-bit entry.
func syscallHooks(tp, fn string, ia32 ...string) []Hook {
	entry := "As in tracepoint mode, user memory is read at syscall entry, so the TOCTOU-tagged arguments have " +
		"the same window here. "
	points := func(enter, exit string) []string {
		p := []string{enter + "/" + fn, exit + "/" + fn}
		for _, w := range ia32 {
			p = append(p, enter+"/"+w, exit+"/"+w)
		}
		return p
	}
	return []Hook{
		{
			Mode: "tracepoint",
			Points: []string{"tracepoint/syscalls/sys_enter_" + tp, "tracepoint/syscalls/sys_exit_" + tp,
				"tp_btf/sys_enter", "tp_btf/sys_exit"},
			Note: "In every mode the entry program reads the arguments, any user memory they point to (iovec " +
				"array, offsets) and the fd descriptions at syscall entry and keeps the record per thread; the exit " +
				"program adds the return value and the facts known only after the call, and sends the record. " +
				ia32Note + "They do not fire the syscall tracepoints, so this mode sees them only on the raw " +
				"`sys_enter`/`sys_exit` tracepoints, which run for every system call of every process: that pair is " +
				"attached only with `sensor.compat_syscalls: on`, and the sensor warns at startup that 32-bit calls " +
				"go unseen otherwise. The mode every kernel has, and the fallback of the others for a call whose " +
				"hook function is missing.",
		},
		{Mode: "kprobe", Points: points("kprobe", "kretprobe"),
			Note: entry + "The arguments are read from the user registers the x86_64 wrapper `" + fn + "` receives. " +
				"Needs CONFIG_KPROBES and the function in /proc/kallsyms; without it the call falls back to its " +
				"tracepoints. " + ia32Note + "They enter through the `__ia32_*` wrappers, hooked too at no cost to " +
				"64-bit calls; their arguments are the 32-bit registers (bx, cx, dx, si, di, bp)."},
		{Mode: "fentry", Points: points("fentry", "fexit"),
			Note: entry + "A trampoline on `" + fn + "`, which must be in the kernel's BTF; " +
				"without it the call falls back to its tracepoints, and loading fails where fentry/fexit programs are " +
				"refused. " + ia32Note + "They enter through the `__ia32_*` wrappers, hooked too at no cost to " +
				"64-bit calls."},
	}
}
