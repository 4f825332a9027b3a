package catalog

import "github.com/splicewatch/splicewatch/event"

func vmsplice() Event {
	scanned := []Tag{TagDerived, TagUser, TagTOCTOU}
	firstOpt := []Tag{TagDerived, TagUser, TagTOCTOU, TagOptional}
	return Event{
		Name:    event.NameVmsplice,
		Summary: "User pages spliced into a pipe, or pipe data copied into user memory",
		Syscall: "ssize_t vmsplice(int fd, const struct iovec *iov, unsigned long nr_segs, unsigned int flags)",
		Description: "vmsplice moves data between user memory and a pipe; the direction depends on how `fd` was opened. " +
			"On a pipe's **write end**, the user pages described by `iov` are pinned and placed in the pipe without a copy " +
			"(`vmsplice_to_pipe`); with SPLICE_F_GIFT the caller hands the pages over and must not modify them afterwards. " +
			"On a pipe's **read end**, data is copied out of the pipe **into** the user buffers (`vmsplice_to_user`). " +
			"A descriptor that is not a pipe fails with EBADF.\n\n" +
			"The kernel copies the iovec array itself (`import_iovec`), after the sensor's entry hook has read it, and checks " +
			"every segment: a segment outside user space fails the call with EFAULT (`access_ok`), a length with the sign " +
			"bit set (above SSIZE_MAX, such as ULONG_MAX) with EINVAL. Kernels 2.6.17 to 2.6.24.1 " +
			"lacked the `access_ok` check, which made a kernel-space `iov_base` a kernel read or write primitive. `nr_segs` above IOV_MAX (1024) " +
			"fails with EINVAL; segments totalling zero bytes return 0; the total is capped at " + maxRWCount + ". " +
			"A default pipe holds 16 pages (64 KiB; `F_SETPIPE_SZ` raises it up to `/proc/sys/fs/pipe-max-size`, 1 MiB by default), " +
			"so a write-end call places at most what fits and returns that count; when the pipe is full it waits for room, " +
			"or fails with EAGAIN under SPLICE_F_NONBLOCK. " +
			"Writing into a pipe whose read end is closed fails with EPIPE (-32) and raises SIGPIPE.\n\n" +
			"Flags: SPLICE_F_MOVE (0x01) is unused by vmsplice, SPLICE_F_NONBLOCK (0x02) makes the pipe side non-blocking, " +
			"SPLICE_F_MORE (0x04) has no effect, SPLICE_F_GIFT (0x08) gifts the pages (write end only). " +
			"Any other bit among the low 32 fails with EINVAL. There is no VMSPLICE_F_MOVE flag.\n\n" +
			"The sensor reads the whole iovec array at entry, every segment up to IOV_MAX, because an attacker will not put the " +
			"bad segment first. A segment is a kernel segment when its base is at or above the task's user-space limit " +
			"(`user_limit`), and overlong when its end wraps past 2^64, when it starts below the limit and ends above it, " +
			"or when its length is at least MAX_RW_COUNT. The counts cover every scanned segment; only the first 16 are copied " +
			"into `iov`. A call the kernel refuses is still an attempt and is reported, with the negative errno in `ret`.",
		Args: []Arg{
			fdArg("fd", "The pipe descriptor. Write end: user pages go into the pipe. Read end: pipe data is copied into the "+
				"user buffers. Anything else: EBADF."),
			fdInfoArg("fd", sideVmsplice),
			{Name: "iov_addr", Type: TypeAddress, Description: "The `iov` argument: the user address of the iovec array."},
			{Name: "nr_segs", Type: TypeUint64, Description: "The number of iovec segments passed. Above IOV_MAX (1024) the call " +
				"fails with EINVAL."},
			{Name: "flags", Type: TypeUint64, Description: "The flags register as the hook saw it; the kernel uses its low 32 bits " +
				"(`unsigned int`) and ignores the rest. See `flag_names`."},
			flagNamesArg(),
			{Name: "iov", Type: TypeObjects, Tags: []Tag{TagUser, TagTOCTOU}, MaxItems: 16,
				Description: "The first 16 segments of the iovec array, as read from user memory at entry. Empty when " +
					"`nr_segs` is 0 or when `iov_read_error` is true. The kernel copies the array again after this read: " +
					"another thread can rewrite it in between.",
				Fields: []Arg{
					{Name: "base", Type: TypeAddress, Description: "`iov_base`: the segment's start address."},
					{Name: "len", Type: TypeUint64, Description: "`iov_len`: the segment's length in bytes."},
				}},
			{Name: "iov_read_error", Type: TypeBool, Tags: scanned,
				Description: "True when the sensor could not read (part of) the iovec array from user memory; `iov` is then " +
					"empty and the counts cover only the segments read before the failure (`segs_scanned`). An unmapped or " +
					"kernel-space `iov_addr` causes it (the kernel then fails with EFAULT), but so can a valid page that is " +
					"not resident, since the hook cannot take page faults."},
			{Name: "range_start", Type: TypeAddress, Tags: firstOpt,
				Description: "The lowest address covered by a scanned segment that starts below `user_limit` and is not " +
					"empty; absent when there is none. With `range_end` it bounds the user memory the call placed in " +
					"(or copied into from) the pipe: the range the page-race check watches after a successful write-end " +
					"vmsplice (see page_race)."},
			{Name: "range_end", Type: TypeAddress, Tags: firstOpt,
				Description: "The end (exclusive) of the highest such segment, capped at `user_limit`; absent with " +
					"`range_start`. Gaps between segments are included."},
			{Name: "user_limit", Type: TypeAddress, Tags: []Tag{TagKernel},
				Description: "The task's user-space limit, `mm->task_size`, read from kernel memory at entry: " +
					"0x7ffffffff000 (140737488351232) with 4-level paging, 0xfffffffffff000 with 5-level paging. " +
					"A task without an mm gets 0x7ffffffff000. The segment checks compare against this value."},
			{Name: "segs_scanned", Type: TypeUint32, Tags: scanned,
				Description: "The number of segments the sensor read and checked: min(`nr_segs`, 1024) when every read " +
					"succeeded, fewer when `iov_read_error` is true."},
			{Name: "kernel_segs", Type: TypeUint32, Tags: scanned,
				Description: "The number of scanned segments whose base is at or above `user_limit`: kernel space, or the " +
					"non-canonical hole below it. User programs have no reason to pass such a base."},
			{Name: "kernel_first", Type: TypeInt32, Tags: scanned,
				Description: "The index of the first kernel segment in the array, -1 when there is none."},
			{Name: "kernel_first_base", Type: TypeAddress, Tags: firstOpt,
				Description: "The base of the first kernel segment; absent when `kernel_segs` is 0."},
			{Name: "vdso_segs", Type: TypeUint32, Tags: scanned,
				Description: "The number of scanned segments whose base lies in the caller's [vvar]..[vdso] mappings " +
					"(`vdso_start` to `vdso_end`) or in the legacy vsyscall page (0xffffffffff600000). User programs " +
					"have no reason to vmsplice their vDSO: the CVE-2024-26808 technique does."},
			{Name: "vdso_first", Type: TypeInt32, Tags: scanned,
				Description: "The index of the first such segment, -1 when there is none."},
			{Name: "vdso_first_base", Type: TypeAddress, Tags: firstOpt,
				Description: "The base of the first such segment; absent when `vdso_segs` is 0."},
			{Name: "vdso_start", Type: TypeAddress, Tags: []Tag{TagKernel, TagDerived, TagOptional},
				Description: "The start of the caller's [vvar] data pages: the vDSO address (`mm->context.vdso`) plus " +
					"the image's `sym_vvar_start`, read from kernel memory; on kernels without that field, 8 pages " +
					"below the vDSO (an estimate). Absent when the task has no vDSO."},
			{Name: "vdso_end", Type: TypeAddress, Tags: []Tag{TagKernel, TagDerived, TagOptional},
				Description: "The end (exclusive) of the caller's [vdso] mapping: its address plus the image size. " +
					"Absent when the task has no vDSO."},
			{Name: "iov_changed", Type: TypeBool, Tags: scanned,
				Description: "True when the iovec array read again at syscall exit differs from what the entry hook " +
					"read: another thread rewrote it while the call ran, the argument TOCTOU against the sensor. The " +
					"first 16 segments are compared one by one, the rest (up to 1024) through a hash. False when the " +
					"array was not read at entry (`iov_read_error`), when `nr_segs` is 0, or when it can no longer " +
					"be read at exit; a rewrite undone before the exit is not seen."},
			{Name: "iov_changed_first", Type: TypeInt32, Tags: scanned,
				Description: "The index of the first of the first 16 segments that changed; -1 when none changed or " +
					"only segments past the 16th did (then `iov_changed` is true and this is -1)."},
			{Name: "overlong_segs", Type: TypeUint32, Tags: scanned,
				Description: "The number of scanned segments whose base + len wraps past 2^64, or that start below " +
					"`user_limit` and end above it, or whose len is at least " + maxRWCount + "."},
			{Name: "overlong_first", Type: TypeInt32, Tags: scanned,
				Description: "The index of the first overlong segment, -1 when there is none."},
			{Name: "overlong_first_base", Type: TypeAddress, Tags: firstOpt,
				Description: "The base of the first overlong segment; absent when `overlong_segs` is 0."},
			{Name: "overlong_first_len", Type: TypeUint64, Tags: firstOpt,
				Description: "The length of the first overlong segment; absent when `overlong_segs` is 0."},
			compatArg(), compatFrom64Arg(),
		},
		Hooks: syscallHooks("vmsplice", "__x64_sys_vmsplice", "__ia32_sys_vmsplice"),
		Attacks: []Attack{
			{"CVE-2008-0009, CVE-2008-0010, CVE-2008-0600: vmsplice local root (2.6.17 to 2.6.24.1)",
				"The iovec addresses were not checked. Write variant: `pipe()`, `write()` a payload into it, then " +
					"`vmsplice(read_end, {iov_base = kernel address, len}, 1, 0)` copies the payload into kernel memory, " +
					"often after reading /proc/kallsyms. Page-array variant: `vmsplice(write_end, {user address, " +
					"iov_len = ULONG_MAX}, 1, 0)` into a pipe whose read end is already closed, after mapping the NULL page. " +
					"Shows as `kernel_segs` > 0 or `overlong_segs` > 0, in any segment. A current kernel fails such " +
					"calls: EFAULT for a kernel-space base, EINVAL for a length such as ULONG_MAX. With a valid iovec, " +
					"a vmsplice into a pipe without a reader returns -32 (EPIPE)."},
			{"CVE-2024-26808 technique (kernelCTF)",
				"The exploit vmsplices the vDSO's address into a pipe and then abuses PIPE_BUF_FLAG_CAN_MERGE. " +
					"The vDSO is in user space, so `kernel_segs` stays 0: the indicator is an `iov[].base` inside the " +
					"caller's [vdso] or [vvar] mapping: `vdso_segs` > 0, with `vdso_first_base` inside `vdso_start` to " +
					"`vdso_end`."},
			{"CVE-2020-29374: copy-on-write broken through vmsplice",
				"A parent maps memory (often a 2 MiB transparent huge page) and forks; the child vmsplices the range into " +
					"a pipe (write end), unmaps it, and later reads from the pipe data the parent wrote after the fork. " +
					"This event is the first step; the race itself is the page_race event that follows: munmap, " +
					"madvise(MADV_DONTNEED), mremap or fork over `range_start` to `range_end` while the pipe still " +
					"holds the pages."},
			{"Argument TOCTOU against the sensor",
				"Another thread rewrites the iovec array after the sensor's entry hook read it and before the kernel " +
					"copies it, so the kernel gets a base the sensor never saw. Every TOCTOU-tagged argument is exposed. " +
					"The window exists in every attach mode: the hooks read the array at syscall entry, and the kernel's " +
					"own copy happens inside vmsplice, in code with no separate hookable function on current kernels " +
					"(vmsplice_to_pipe and vmsplice_to_user are inlined). The sensor reads the array again at exit: " +
					"`iov_changed` is true (and `iov_changed_first` names the segment) when it differs, which is " +
					"itself a strong signal, since no legitimate program rewrites an iovec during the call."},
		},
		Benign: "uutils coreutils (its `yes` writes with vmsplice) and CRIU, whose parasite calls " +
			"`vmsplice(..., SPLICE_F_GIFT | SPLICE_F_NONBLOCK)` inside the process being checkpointed. " +
			"Legitimate calls use user-space bases and ordinary lengths.",
		Related: []Related{
			{event.NameSplice, "moves the vmspliced pages on from the pipe, or fills a pipe from a file"},
			{event.NameTee, "duplicates the pipe's buffers, and so the vmspliced pages, into a second pipe"},
			{event.NamePageRace, "the memory a write-end vmsplice placed in a pipe unmapped, discarded or moved, or the process forked, while the pipe held it"},
			{event.NameEventsLost, "a vmsplice lost to a full ring buffer is counted there"},
		},
	}
}
