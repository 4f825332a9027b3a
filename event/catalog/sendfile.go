package catalog

import "github.com/splicewatch/splicewatch/event"

func sendfile() Event {
	args := []Arg{
		fdArg("out_fd", "The descriptor written to: any file or socket (only a socket before Linux 2.6.33)."),
		fdInfoArg("out_fd", sideOut),
		fdArg("in_fd", "The descriptor read from: a file that supports mmap-like reads, not a socket; since "+
			"Linux 5.12, when `out_fd` is a pipe, anything splice accepts."),
		fdInfoArg("in_fd", sideIn),
	}
	args = append(args, offsetArgs("offset", "in_fd", "`off_t *`", true)...)
	args = append(args, Arg{Name: "count", Type: TypeUint64, Description: "The most bytes to copy."},
		compatArg(), compatFrom64Arg())
	return Event{
		Name:    event.NameSendfile,
		Summary: "File data copied to another descriptor inside the kernel",
		Syscall: "ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)",
		Description: "sendfile copies up to `count` bytes from `in_fd` to `out_fd` inside the kernel, with the splice " +
			"machinery: the data never passes through user memory. `in_fd` must support mmap-like reads (a regular " +
			"file; not a socket). `out_fd` may be any file since Linux 2.6.33 (a socket before); when it is a pipe, " +
			"since Linux 5.12 the call works like a splice from `in_fd` into that pipe, with splice's rules. At most " +
			"0x7ffff000 bytes move per call. It returns the bytes copied (possibly fewer than `count`), 0 at the end " +
			"of the file, or a negative errno.\n\n" +
			"A non-NULL `offset` makes the kernel read the start position from user memory, leave the file position " +
			"of `in_fd` unchanged, and write the position after the last byte back to `*offset`; NULL uses and " +
			"advances the file position; a non-NULL `offset` on a file that cannot seek fails with ESPIPE. The sensor " +
			"reads `*offset` at entry, before the kernel does.\n\n" +
			"On x86_64 this is system call 40, `sys_sendfile64` in the kernel: hence the hook names.",
		Args: args,
		Hooks: syscallHooks("sendfile64", "__x64_sys_sendfile64",
			"__ia32_sys_sendfile64", "__ia32_compat_sys_sendfile64", "__ia32_compat_sys_sendfile"),
		Attacks: []Attack{
			{"Baseline of zero-copy traffic",
				"No exploit splicewatch tracks uses sendfile itself. It runs through the same splice internals as " +
					"splice, and a process that normally never calls it, suddenly sending a file to a socket or a pipe, " +
					"stands out against the baseline it gives."},
		},
		Benign: "Very common and very frequent: nginx with `sendfile on`, Go's `io.Copy` from a file to a socket, " +
			"Python's `socket.sendfile` (used by `http.server`). A busy web server can make hundreds of thousands of " +
			"calls a second.",
		Related: []Related{
			{event.NameSplice, "the general form; sendfile is built on it"},
			{event.NameEventsLost, "a flood of sendfile calls is the usual cause of a full ring buffer"},
		},
	}
}
