/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Page races on vmspliced memory (CVE-2020-29374 and kin): a process that
 * vmsplices pages into a pipe and then unmaps, discards or moves them, or
 * forks, while the pipe still holds them. Successful write-end vmsplices
 * are remembered per address space in a bounded LRU map that expires by
 * time; the memory syscalls of other processes cost one lookup.
 */
#ifndef SW_RACE_H
#define SW_RACE_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "sw_core.h"
#include "sw_event.h"
#include "sw_fd.h"
#include "sw_header.h"
#include "sw_maps.h"

/* Set by the loader: how long a vmspliced range is watched. */
volatile const __u64 sw_race_window_ns = 10ULL * 1000 * 1000 * 1000;

struct sw_spliced {
	__u64 start;
	__u64 end;
	__u64 ts;
	__u64 pipe; /* struct pipe_inode_info * */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64); /* struct mm_struct * */
	__type(value, struct sw_spliced);
} sw_spliced SEC(".maps");

/* A thread that vmsplices the same range into the same pipe again and
 * again refreshes its sw_spliced entry at most this often: the entry's
 * time, and so a page_race's since_ns, may be this much early. */
#define SW_TRACK_REFRESH_NS (10ULL * 1000 * 1000)

/* sw_race_track remembers the range of a successful write-end vmsplice by
 * the current task, task, whose state is t. */
static __always_inline void sw_race_track(struct sw_task *t, struct task_struct *task)
{
	struct sw_vmsplice *r = &t->p.vmsplice;
	struct sw_track *last = &t->track;
	__u64 mm = (__u64)task->mm;
	struct sw_spliced s = {
		.start = r->range_start,
		.end = r->range_end,
		.ts = r->h.ts_exit,
		.pipe = r->kpipe,
	};
	struct sw_spliced *old;

	r->kpipe = 0; /* never send a kernel pointer */
	if (r->h.ret <= 0 || !s.pipe || !mm || s.end <= s.start || !(r->fd_info.f_mode & SW_FMODE_WRITE))
		return;
	/* A loop into one pipe: this thread wrote the same entry just now. */
	if (last->mm == mm && last->pipe == s.pipe && last->start == s.start && last->end == s.end &&
	    s.ts - last->ts < SW_TRACK_REFRESH_NS)
		return;
	last->mm = mm;
	last->pipe = s.pipe;
	last->start = s.start;
	last->end = s.end;
	last->ts = s.ts;
	old = bpf_map_lookup_elem(&sw_spliced, &mm);
	if (old && old->pipe == s.pipe && old->start == s.start && old->end == s.end) {
		old->ts = s.ts;
		return;
	}
	bpf_map_update_elem(&sw_spliced, &mm, &s, BPF_ANY);
}

/* sw_race_check emits a page_race record when [addr, addr+len) overlaps
 * the current process's vmspliced range while its pipe holds data. For
 * fork, len is 0 and the whole range counts. */
static __always_inline int sw_race_check(__u32 race, __u64 addr, __u64 len, __u32 advice)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 mm = (__u64)task->mm;
	struct sw_spliced *s;
	struct sw_page_race *e;
	struct pipe_inode_info *pipe;
	__u64 now, lo, hi;
	__u32 bufs;

	if (!mm)
		return 0;
	s = bpf_map_lookup_elem(&sw_spliced, &mm);
	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	if (now - s->ts > sw_race_window_ns) {
		bpf_map_delete_elem(&sw_spliced, &mm);
		return 0;
	}
	lo = s->start;
	hi = s->end;
	if (race != SW_RACE_FORK) {
		if (addr + len <= s->start || addr >= s->end)
			return 0;
		lo = addr > s->start ? addr : s->start;
		hi = addr + len < s->end ? addr + len : s->end;
	}
	pipe = sw_kptr(struct pipe_inode_info, s->pipe);
	bufs = SW_RD(pipe, head) - SW_RD(pipe, tail);
	if (bufs == 0 || bufs > 0x10000)
		return 0; /* drained (or freed): the pages are no longer shared */
	e = bpf_ringbuf_reserve(&sw_events, sizeof(*e), 0);
	if (!e) {
		sw_count(SW_STAT_RINGBUF_FULL);
		return 0;
	}
	sw_fill_header(&e->h, SW_KIND_PAGE_RACE, task);
	e->h.ts_exit = e->h.ts_enter;
	e->race = race;
	e->advice = advice;
	e->addr = addr;
	e->len = len;
	e->overlap_start = lo;
	e->overlap_end = hi;
	e->since_ns = now - s->ts;
	e->vs_start = s->start;
	e->vs_end = s->end;
	e->pipe_bufs = bufs;
	e->pad = 0;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

#endif /* SW_RACE_H */
