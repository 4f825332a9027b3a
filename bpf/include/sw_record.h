/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Record building shared by every attach mode.
 *
 * An attach mode (tracepoint, kprobe, fentry) only extracts the raw syscall
 * arguments and calls sw_*_enter() at entry and sw_exit() at exit. The
 * entry half stashes the arguments and the facts computed from them in the
 * per-thread pending map; the exit half adds the return value and sends the
 * stashed record to user space with one bpf_ringbuf_output().
 */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "sw_core.h"
#include "sw_event.h"

/* Set by the loader before load. */
volatile const __u64 sw_wakeup_bytes = 256 * 1024; /* wake the reader past this much data */
volatile const __u64 sw_default_user_limit = 0x00007ffffffff000ULL;

union sw_pending {
	struct sw_header h;
	struct sw_vmsplice vmsplice;
	struct sw_xfer xfer;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024); /* resized by the loader */
} sw_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sw_stats SEC(".maps");

/* Syscalls between entry and exit, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, union sw_pending);
} sw_pending SEC(".maps");

/* Staging area for building a pending record off the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union sw_pending);
} sw_scratch SEC(".maps");

/* One chunk of iovec segments read during the scan. */
struct sw_iov_chunk {
	struct sw_iovec seg[SW_IOV_COPY];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_iov_chunk);
} sw_chunk SEC(".maps");

static __always_inline void sw_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&sw_stats, &stat);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline union sw_pending *sw_scratch_get(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&sw_scratch, &zero);
}

static __always_inline void sw_fill_header(struct sw_header *h, __u32 kind)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->ts_enter = bpf_ktime_get_ns();
	h->ts_exit = 0;
	h->ret = 0;
	h->kind = kind;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	h->pid_ns = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline __u64 sw_user_limit(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 limit = BPF_CORE_READ(task, mm, task_size);
	return limit ? limit : sw_default_user_limit;
}

/* sw_check_seg classifies one segment; idx is its index in the array. */
static __always_inline void sw_check_seg(struct sw_vmsplice *r, __u32 idx, __u64 base, __u64 len)
{
	__u64 limit = r->user_limit;
	__u64 end = base + len;

	if (base >= limit) {
		if (r->kernel_segs++ == 0) {
			r->kernel_first = idx;
			r->kernel_first_base = base;
		}
	}
	if (len >= SW_MAX_RW_COUNT || end < base || (base < limit && end > limit)) {
		if (r->overlong_segs++ == 0) {
			r->overlong_first = idx;
			r->overlong_first_base = base;
			r->overlong_first_len = len;
		}
	}
}

struct sw_scan_ctx {
	struct sw_vmsplice *r;
	__u64 nsegs;
};

/* sw_scan_chunk_from1 is a bpf_loop callback: iteration i reads and checks
 * chunk i+1, that is segments 16*(i+1) .. 16*(i+1)+15. */
static long sw_scan_chunk_from1(__u32 i, void *ctx)
{
	struct sw_scan_ctx *c = ctx;
	__u32 zero = 0;
	struct sw_iov_chunk *chunk = bpf_map_lookup_elem(&sw_chunk, &zero);
	struct sw_vmsplice *r = c->r;
	__u64 first = ((__u64)i + 1) * SW_IOV_COPY;
	__u64 n;

	if (!chunk || first >= c->nsegs)
		return 1;
	n = c->nsegs - first;
	if (n > SW_IOV_COPY)
		n = SW_IOV_COPY;
	if (bpf_probe_read_user(chunk, (n * sizeof(struct sw_iovec)) & 0x1ff,
				(void *)(r->uiov + first * sizeof(struct sw_iovec)))) {
		r->read_err = 1;
		return 1;
	}
#pragma unroll
	for (int j = 0; j < SW_IOV_COPY; j++) {
		if (j >= n)
			break;
		sw_check_seg(r, first + j, chunk->seg[j].base, chunk->seg[j].len);
	}
	r->segs_scanned = first + n;
	return 0;
}

static __always_inline void sw_pending_put(union sw_pending *p)
{
	__u64 key = bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&sw_pending, &key, p, BPF_ANY))
		sw_count(SW_STAT_PENDING_FULL);
}

/* sw_vmsplice_enter stashes a vmsplice call and scans its whole iovec. */
static __always_inline int sw_vmsplice_enter(__s64 fd, __u64 uiov, __u64 nr_segs, __u64 flags)
{
	union sw_pending *p = sw_scratch_get();
	if (!p)
		return 0;
	struct sw_vmsplice *r = &p->vmsplice;

	sw_fill_header(&r->h, SW_KIND_VMSPLICE);
	r->fd = fd;
	r->uiov = uiov;
	r->nr_segs = nr_segs;
	r->flags = flags;
	r->user_limit = sw_user_limit();
	r->kernel_first_base = 0;
	r->overlong_first_base = 0;
	r->overlong_first_len = 0;
	r->kernel_segs = 0;
	r->kernel_first = -1;
	r->overlong_segs = 0;
	r->overlong_first = -1;
	r->segs_scanned = 0;
	r->read_err = 0;
	__builtin_memset(r->iov, 0, sizeof(r->iov));

	__u64 nsegs = nr_segs > SW_IOV_MAX ? SW_IOV_MAX : nr_segs;
	if (nsegs > 0) {
		__u64 n = nsegs > SW_IOV_COPY ? SW_IOV_COPY : nsegs;
		/* Chunk 0 goes straight into the record. */
		if (bpf_probe_read_user(r->iov, (n * sizeof(struct sw_iovec)) & 0x1ff, (void *)uiov)) {
			r->read_err = 1;
		} else {
#pragma unroll
			for (int j = 0; j < SW_IOV_COPY; j++) {
				if (j >= n)
					break;
				sw_check_seg(r, j, r->iov[j].base, r->iov[j].len);
			}
			r->segs_scanned = n;
			if (nsegs > SW_IOV_COPY) {
				struct sw_scan_ctx c = {.r = r, .nsegs = nsegs};
				__u32 chunks = (nsegs + SW_IOV_COPY - 1) / SW_IOV_COPY;
				/* chunk 0 is done: bpf_loop starts at 0, so offset by one */
				bpf_loop(chunks - 1, sw_scan_chunk_from1, &c, 0);
			}
		}
	}
	sw_pending_put(p);
	return 0;
}

/* sw_xfer_enter stashes a splice, tee or sendfile call. */
static __always_inline int sw_xfer_enter(__u32 kind, __s64 fd_in, __u64 off_in, __s64 fd_out,
					 __u64 off_out, __u64 len, __u32 flags)
{
	union sw_pending *p = sw_scratch_get();
	if (!p)
		return 0;
	struct sw_xfer *r = &p->xfer;

	sw_fill_header(&r->h, kind);
	r->fd_in = fd_in;
	r->fd_out = fd_out;
	r->off_in = off_in;
	r->off_out = off_out;
	r->len = len;
	r->flags = flags;
	r->valid = 0;
	r->off_in_val = 0;
	r->off_out_val = 0;
	if (off_in && !bpf_probe_read_user(&r->off_in_val, sizeof(r->off_in_val), (void *)off_in))
		r->valid |= SW_XFER_OFF_IN_VALID;
	if (off_out && !bpf_probe_read_user(&r->off_out_val, sizeof(r->off_out_val), (void *)off_out))
		r->valid |= SW_XFER_OFF_OUT_VALID;
	sw_pending_put(p);
	return 0;
}

/* sw_exit completes the calling thread's pending record of the given kind
 * and sends it. A stale record of another kind is discarded. */
static __always_inline int sw_exit(__u32 kind, __s64 ret)
{
	__u64 key = bpf_get_current_pid_tgid();
	union sw_pending *p = bpf_map_lookup_elem(&sw_pending, &key);
	__u64 wake = BPF_RB_NO_WAKEUP;
	long err;

	if (!p)
		return 0;
	if (p->h.kind != kind) {
		bpf_map_delete_elem(&sw_pending, &key);
		return 0;
	}
	p->h.ret = ret;
	p->h.ts_exit = bpf_ktime_get_ns();

	if (bpf_ringbuf_query(&sw_events, BPF_RB_AVAIL_DATA) >= sw_wakeup_bytes)
		wake = BPF_RB_FORCE_WAKEUP;
	if (p->h.kind == SW_KIND_VMSPLICE) {
		/* Suspicious records reach user space at once. */
		if (p->vmsplice.kernel_segs || p->vmsplice.overlong_segs)
			wake = BPF_RB_FORCE_WAKEUP;
		err = bpf_ringbuf_output(&sw_events, &p->vmsplice, sizeof(p->vmsplice), wake);
	} else {
		err = bpf_ringbuf_output(&sw_events, &p->xfer, sizeof(p->xfer), wake);
	}
	if (err)
		sw_count(SW_STAT_RINGBUF_FULL);
	bpf_map_delete_elem(&sw_pending, &key);
	return 0;
}

#endif /* SW_RECORD_H */
