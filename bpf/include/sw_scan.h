/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The vmsplice iovec scan: every segment up to IOV_MAX is read from user
 * memory and classified, because an attacker will not put the bad pointer
 * first. The first SW_IOV_COPY segments are copied into the record.
 */
#ifndef SW_SCAN_H
#define SW_SCAN_H

#include <bpf/bpf_helpers.h>

#include "sw_core.h"
#include "sw_maps.h"

static __always_inline __u64 sw_user_limit(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u64 limit = mm ? mm->task_size : 0;

	return limit ? limit : sw_default_user_limit;
}

/* sw_check_seg classifies segment idx of the call in r. */
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

/* sw_scan_iov reads r->uiov[0..min(nr_segs, IOV_MAX)) and fills the scan
 * fields of r. Chunk 0 is read straight into the record. */
static __always_inline void sw_scan_iov(struct sw_vmsplice *r)
{
	__u64 nsegs = r->nr_segs > SW_IOV_MAX ? SW_IOV_MAX : r->nr_segs;
	__u64 n = nsegs > SW_IOV_COPY ? SW_IOV_COPY : nsegs;

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
	if (n == 0)
		return;
	if (bpf_probe_read_user(r->iov, (n * sizeof(struct sw_iovec)) & 0x1ff, (void *)r->uiov)) {
		r->read_err = 1;
		return;
	}
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

		bpf_loop(chunks - 1, sw_scan_chunk_from1, &c, 0);
	}
}

#endif /* SW_SCAN_H */
