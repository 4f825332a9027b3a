package catalog

import "github.com/splicewatch/splicewatch/event"

// offsetArgs returns the pointer and value arguments of an offset.
// filePos says whether the value is the file position when the pointer is
// NULL (the input side).
func offsetArgs(ptr, fd, cType string, filePos bool) []Arg {
	tags := []Tag{TagUser, TagTOCTOU, TagOptional}
	desc := "The offset `*" + ptr + "` held at entry. Absent when `" + ptr + "` is NULL or could not be " +
		"read (an unmapped page, or a valid page that is not resident). The kernel copies the offset again " +
		"after this read: another thread can change it in between."
	if filePos {
		tags = []Tag{TagUser, TagTOCTOU, TagKernel, TagOptional}
		desc = "The offset the transfer starts from. When `" + ptr + "` is not NULL: `*" + ptr + "` as read " +
			"from user memory at entry (U, TOCTOU: the kernel copies it again after this read, and another thread " +
			"can change it in between); absent when it could not be read (an unmapped page, or a valid page that " +
			"is not resident). When `" + ptr + "` is NULL and `" + fd + "` is a regular file: the file position " +
			"(`f_pos`) read from kernel memory at entry (K). Absent otherwise (a NULL pointer on a pipe, socket " +
			"or device)."
	}
	return []Arg{
		{Name: ptr, Type: TypeAddress, Description: "The user address of the " + cType + " offset for `" + fd +
			"`, 0 for NULL."},
		{Name: ptr + "_value", Type: TypeInt64, Tags: tags, Description: desc},
	}
}

func splice() Event {
	args := []Arg{fdArg("fd_in", "The descriptor data is read from."), fdInfoArg("fd_in", sideIn)}
	args = append(args, offsetArgs("off_in", "fd_in", "`loff_t *`", true)...)
	args = append(args, fdArg("fd_out", "The descriptor data is written to."), fdInfoArg("fd_out", sideOut))
	args = append(args, offsetArgs("off_out", "fd_out", "`loff_t *`", false)...)
	args = append(args,
		Arg{Name: "len", Type: TypeUint64, Description: "The most bytes to move."},
		Arg{Name: "flags", Type: TypeUint32, Description: "The `flags` argument. See `flag_names`."},
		flagNamesArg(),
		Arg{Name: "dirty_pipe_merge", Type: TypeBool, Tags: []Tag{TagKernel, TagDerived},
			Description: "Kernel-confirmed Dirty Pipe: the call succeeded, `fd_in` is a regular file, `fd_out` is a " +
				"pipe, and the buffer just filled from the file has PIPE_BUF_FLAG_CAN_MERGE (0x10) set at exit " +
				"(`fd_out_info.pipe.buf_flags`). A later `write()` to the pipe would then land in the file's page " +
				"cache. A patched kernel (5.16.11, 5.15.25, 5.10.102 and later) never sets it on such a buffer, so " +
				"true means a vulnerable kernel under attack, or a kernel bug."},
		Arg{Name: "dirty_pipe_shape", Type: TypeBool, Tags: []Tag{TagKernel, TagUser, TagDerived},
			Description: "Behavioural Dirty Pipe, on any kernel: the call succeeded, a regular file the caller " +
				"cannot write (`fd_in_info.can_write` false) was spliced into a pipe whose ring had wrapped " +
				"(`fd_out_info.pipe.wrapped`), with `len` below 4096 and an `off_in_value` that is known and not " +
				"page-aligned. This is the public exploit's call; legitimate programs rarely splice a few bytes " +
				"from an odd offset of a file they cannot write into a recycled pipe."},
		compatArg(), compatFrom64Arg(),
	)
	return Event{
		Name:    event.NameSplice,
		Summary: "Data moved between a pipe and another descriptor without a copy through user space",
		Syscall: "ssize_t splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len, unsigned int flags)",
		Description: "splice moves up to `len` bytes from `fd_in` to `fd_out`; at least one of them must be a pipe " +
			"(EINVAL otherwise). From a file or socket into a pipe, the pipe buffers reference the source's pages (for a " +
			"file, its page cache) instead of copies. From a pipe into a file or socket, the pipe's pages are written out. " +
			"Between two pipes, buffers move from one to the other. It returns the bytes moved, 0 at the end of the input, " +
			"or a negative errno.\n\n" +
			"`off_in` and `off_out` point to a 64-bit offset in user memory. For a pipe the pointer must be NULL (ESPIPE " +
			"otherwise). For a file, a non-NULL pointer makes the kernel read the offset, transfer from that position " +
			"without moving the file position, and write the advanced offset back; NULL uses and advances the file " +
			"position. The sensor reads the offsets at entry, before the kernel does.\n\n" +
			"Flags: SPLICE_F_MOVE (0x01) is a hint, a no-op since Linux 2.6.21; SPLICE_F_NONBLOCK (0x02) makes the pipe " +
			"operations non-blocking (EAGAIN); SPLICE_F_MORE (0x04) tells a socket that more data follows, like MSG_MORE; " +
			"SPLICE_F_GIFT (0x08) is unused by splice. Any other bit fails with EINVAL.",
		Args:  args,
		Hooks: syscallHooks("splice", "__x64_sys_splice", "__ia32_sys_splice"),
		Attacks: []Attack{
			{"Dirty Pipe, CVE-2022-0847 (from Linux 5.8; fixed in 5.16.11, 5.15.25 and 5.10.102)",
				"A pipe buffer filled by splicing from a file kept a stale PIPE_BUF_FLAG_CAN_MERGE, so a later `write()` " +
					"to the pipe wrote into the page cache of a file the caller could only read. The public exploit opens " +
					"the target read-only, fills a pipe completely and drains it (leaving CAN_MERGE on every ring slot), " +
					"then calls `splice(fd, &offset, p[1], NULL, 1, 0)`: here `fd_in` is the file, `off_in` is non-zero with " +
					"an `off_in_value` that is not a multiple of the page size, `len` is 1 and `fd_out` is the pipe's write " +
					"end; a `write()` to the pipe follows. Confirming it needs the pipe ring state and the input file's " +
					"mode and open flags: the sensor records both (`fd_in_info`, `fd_out_info.pipe`) and sets " +
					"`dirty_pipe_merge` when the kernel really left CAN_MERGE on the new buffer (a vulnerable kernel) " +
					"and `dirty_pipe_shape` when the call has the exploit's shape (any kernel, patched or not)."},
		},
		Benign: "Go's `io.Copy` between sockets (a temporary `pipe2(O_NONBLOCK|O_CLOEXEC)`, then socket→pipe and " +
			"pipe→socket splices of up to 4 MiB with SPLICE_F_NONBLOCK), Rust's `std::io::copy`, coreutils, systemd's " +
			"`copy_bytes`, HAProxy with `option splice-auto`.",
		Related: []Related{
			{event.NameVmsplice, "fills a pipe from user memory; splice then moves those pages on"},
			{event.NameTee, "duplicates a pipe's buffers without consuming them"},
			{event.NameSendfile, "the same in-kernel copy, file to descriptor, through an internal pipe"},
			{event.NameEventsLost, "a splice lost to a full ring buffer is counted there"},
		},
	}
}

func tee() Event {
	return Event{
		Name:    event.NameTee,
		Summary: "Pipe contents duplicated into a second pipe without consuming them",
		Syscall: "ssize_t tee(int fd_in, int fd_out, size_t len, unsigned int flags)",
		Description: "tee duplicates up to `len` bytes from the pipe `fd_in` into the pipe `fd_out` without consuming them " +
			"from `fd_in`. Both must be pipes, and not the same pipe (EINVAL otherwise). No data is copied: the new pipe " +
			"buffers reference the same pages as the originals, each with an extra reference. It returns the bytes " +
			"duplicated, 0 when `fd_in` is empty and has no writers, or a negative errno.\n\n" +
			"Flags are those of splice; SPLICE_F_NONBLOCK (0x02) makes it fail with EAGAIN instead of waiting. " +
			"Any bit outside SPLICE_F_* fails with EINVAL.",
		Args: []Arg{
			fdArg("fd_in", "The pipe whose contents are duplicated."),
			fdInfoArg("fd_in", sideIn),
			fdArg("fd_out", "The pipe that receives the duplicates."),
			fdInfoArg("fd_out", sideOut),
			{Name: "len", Type: TypeUint64, Description: "The most bytes to duplicate."},
			{Name: "flags", Type: TypeUint32, Description: "The `flags` argument. See `flag_names`."},
			flagNamesArg(),
			compatArg(), compatFrom64Arg(),
		},
		Hooks: syscallHooks("tee", "__x64_sys_tee", "__ia32_sys_tee"),
		Attacks: []Attack{
			{"Page references kept alive",
				"No exploit splicewatch tracks depends on tee. It is captured because it duplicates page references " +
					"between pipes: pages put in a pipe by vmsplice (user memory) or splice (page cache) stay reachable " +
					"through the second pipe after the first is drained, which matters when correlating a page race " +
					"such as CVE-2020-29374."},
		},
		Benign: "Rare in practice: a program that fans a stream out to two consumers through pipes, as in the tee(2) " +
			"man page's example. The tee(1) command itself does not use it.",
		Related: []Related{
			{event.NameVmsplice, "puts user pages in a pipe that tee can then duplicate"},
			{event.NameSplice, "fills and drains the pipes tee works on"},
			{event.NameEventsLost, "a tee lost to a full ring buffer is counted there"},
		},
	}
}
