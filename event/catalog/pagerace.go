package catalog

import "github.com/splicewatch/splicewatch/event"

// raceKinds are the values of page_race's kind (enum sw_race).
var raceKinds = []string{"munmap", "madvise", "mremap", "fork"}

func pageRace() Event {
	d := []Tag{TagDerived}
	return Event{
		Name:    event.NamePageRace,
		Summary: "Memory a process vmspliced into a pipe unmapped, discarded or moved, or the process forked, while the pipe still held it",
		Description: "A synthetic event, made by the sensor's eBPF programs rather than for one system call. After " +
			"every successful vmsplice into a pipe's write end, the sensor remembers, per address space, the user range " +
			"the call covered (`range_start` to `range_end` of that vmsplice event) and the pipe. Only the latest such " +
			"range of an address space is kept, for a window of 10 seconds by default. When the same address space " +
			"then unmaps (`munmap`), discards (`madvise` with MADV_DONTNEED 4, MADV_FREE 8, MADV_REMOVE 9 or " +
			"MADV_DONTNEED_LOCKED 24) or moves (`mremap`) memory overlapping that range, or forks, while the pipe " +
			"still holds data (head != tail), the sensor emits page_race.\n\n" +
			"The pipe's pages then no longer match the process's memory: they are the old pages, pinned by the pipe, " +
			"that whoever reads the pipe will see. That is the shape of CVE-2020-29374. The check runs at the entry " +
			"of the memory call, before it takes effect, so the event is emitted even if the call then fails.\n\n" +
			"The process fields are those of the process making the memory call (for `fork`, the parent). `ret` is 0, " +
			"`time` is when the memory call was made, and `duration_ns` is absent. Whether the pipe's data is still " +
			"the vmspliced pages, rather than later writes, is not checked: a pipe with any data counts.",
		Args: []Arg{
			{Name: "kind", Type: TypeString, Tags: d, Enum: raceKinds,
				Description: "What happened to the memory: `munmap`, `madvise` (a discarding advice, see `advice`), " +
					"`mremap`, or `fork` (a new process with a copy of the address space; threads, which share it " +
					"with CLONE_VM, do not count)."},
			{Name: "addr", Type: TypeAddress, Tags: []Tag{TagOptional},
				Description: "The memory call's `addr` argument, from the registers at its entry; absent for `fork`."},
			{Name: "len", Type: TypeUint64, Tags: []Tag{TagOptional},
				Description: "The memory call's length argument (for mremap, `old_len`), from the registers; absent " +
					"for `fork`."},
			{Name: "advice", Type: TypeUint32, Tags: []Tag{TagOptional},
				Description: "The madvise advice: 4 MADV_DONTNEED, 8 MADV_FREE, 9 MADV_REMOVE or 24 " +
					"MADV_DONTNEED_LOCKED (other advice is not checked); present for `madvise` only."},
			{Name: "overlap_start", Type: TypeAddress, Tags: d,
				Description: "The start of the part of the vmspliced range the memory call covers; for `fork`, the " +
					"whole range: `vmsplice_start`."},
			{Name: "overlap_end", Type: TypeAddress, Tags: d,
				Description: "The end (exclusive) of that part; for `fork`, `vmsplice_end`."},
			{Name: "overlap_len", Type: TypeUint64, Tags: d,
				Description: "`overlap_end` - `overlap_start`: the bytes of vmspliced memory affected."},
			{Name: "since_ns", Type: TypeUint64, Tags: d,
				Description: "Nanoseconds since the vmsplice that placed the range in the pipe. Never more than the " +
					"watch window (10 s by default). A thread that vmsplices the same range into the same pipe " +
					"again and again refreshes the time at most every 10 ms, so it may be up to 10 ms longer."},
			{Name: "vmsplice_start", Type: TypeAddress, Tags: []Tag{TagDerived, TagUser},
				Description: "The start of the watched range: `range_start` of the vmsplice, computed from the iovec " +
					"the sensor read at that call's entry."},
			{Name: "vmsplice_end", Type: TypeAddress, Tags: []Tag{TagDerived, TagUser},
				Description: "The end (exclusive) of the watched range: `range_end` of the vmsplice. Gaps between " +
					"its segments are included, so an overlap may cover memory that was not spliced."},
			{Name: "pipe_bufs", Type: TypeUint32, Tags: []Tag{TagKernel},
				Description: "Buffers the pipe held when the memory call was made (`head - tail`, read from kernel " +
					"memory); always at least 1."},
		},
		Hooks: []Hook{{
			Mode: "tracepoint",
			Points: []string{"tracepoint/syscalls/sys_enter_munmap", "tracepoint/syscalls/sys_enter_madvise",
				"tracepoint/syscalls/sys_enter_mremap", "tp_btf/sched_process_fork"},
			Note: "Loaded from the tracepoint object in every attach mode, kprobe and fentry included; the ranges " +
				"come from the vmsplice exit hook of whichever mode is active. Blind spot: 32-bit (ia32) munmap, " +
				"madvise and mremap do not fire the syscall tracepoints on x86_64.",
		}},
		Attacks: []Attack{
			{"CVE-2020-29374: copy-on-write can break either way (vmsplice)",
				"A parent maps memory, often a 2 MiB transparent huge page, and forks; the child vmsplices the range " +
					"into a pipe, unmaps it, and later reads the pipe, seeing data the parent wrote after the fork. " +
					"Shows as a vmsplice into a pipe's write end, then page_race with `kind` munmap (or madvise, " +
					"mremap) over the vmspliced range while `pipe_bufs` > 0. A fork within the window after a " +
					"vmsplice gives `kind` fork. Fixed in Linux 5.8 (GUP breaks COW for reads), but the pattern is " +
					"worth flagging on any kernel."},
		},
		Benign: "Rare. A program that vmsplices a buffer and frees it before the reader drained the pipe is " +
			"misusing vmsplice (without SPLICE_F_GIFT the pages must stay untouched until read). A fork shortly " +
			"after a vmsplice, for example a shell pipeline built by a program that uses uutils `yes`, gives " +
			"`kind` fork.",
		Related: []Related{
			{event.NameVmsplice, "the call that placed the range in the pipe: its range_start and range_end"},
			{event.NameEventsLost, "a page_race lost to a full ring buffer is counted there"},
		},
	}
}
