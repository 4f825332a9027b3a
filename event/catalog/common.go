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

// fdArg is a file descriptor register argument.
func fdArg(name, desc string) Arg {
	return Arg{Name: name, Type: TypeInt32, Description: desc}
}

// ia32Note is the blind spot every attach mode shares.
const ia32Note = "Blind spot: 32-bit (ia32) system calls, made by 32-bit programs or through `int 0x80` from any " +
	"program, "

// syscallHooks returns the hooks of a system call in every attach mode.
// tp is the name of its syscall tracepoints (sys_enter_<tp>), fn the x86_64
// syscall entry function the kprobe and fentry modes attach to.
func syscallHooks(tp, fn string) []Hook {
	entry := "As in tracepoint mode, user memory is read at syscall entry, so the TOCTOU-tagged arguments have " +
		"the same window here. "
	return []Hook{
		{
			Mode:   "tracepoint",
			Points: []string{"tracepoint/syscalls/sys_enter_" + tp, "tracepoint/syscalls/sys_exit_" + tp},
			Note: "In every mode the entry program reads the arguments, any user memory they point to (iovec " +
				"array, offsets) and the fd descriptions at syscall entry and keeps the record per thread; the exit " +
				"program adds the return value and the facts known only after the call, and sends the record. " +
				ia32Note + "do not fire the syscall tracepoints on x86_64, so they are not seen in this mode " +
				"(verified on Linux 6.18: a vmsplice through `int 0x80` produces no event). The mode every kernel " +
				"has, and the fallback of the others for a call whose hook function is missing.",
		},
		{Mode: "kprobe", Points: []string{"kprobe/" + fn, "kretprobe/" + fn},
			Note: entry + "The arguments are read from the user registers the x86_64 wrapper `" + fn + "` receives. " +
				"Needs CONFIG_KPROBES and the function in /proc/kallsyms; without it the call falls back to its " +
				"tracepoints. " + ia32Note + "enter the kernel through `__ia32_sys_*` wrappers, which this mode does " +
				"not attach to, so they are not seen here either."},
		{Mode: "fentry", Points: []string{"fentry/" + fn, "fexit/" + fn},
			Note: entry + "A trampoline on `" + fn + "`, which must be in the kernel's BTF; " +
				"without it the call falls back to its tracepoints, and loading fails where fentry/fexit programs are " +
				"refused. " + ia32Note + "enter the kernel through `__ia32_sys_*` wrappers, which this mode does not " +
				"attach to, so they are not seen here either."},
	}
}
