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

static __always_inline __u64 sw_user_limit(struct mm_struct *mm)
{
	__u64 limit = mm ? mm->task_size : 0;

	return limit ? limit : sw_default_user_limit;
}

#define SW_VSYSCALL_ADDR 0xffffffffff600000ULL
#define SW_PAGE_SIZE 4096
#define SW_VVAR_PAGES 8 /* data pages below [vdso] when the kernel does not say */

/* sw_vdso_range sets r->vdso_start/end to mm's [vvar]..[vdso] pages. */
static __always_inline void sw_vdso_range(struct sw_vmsplice *r, struct mm_struct *mm)
{
	const struct vdso_image *img;
	__u64 vdso;
	long vvar;

	r->vdso_start = r->vdso_end = 0;
	if (!mm)
		return;
	/* Direct loads: mm and the image are typed pointers on every kernel. */
	vdso = (__u64)mm->context.vdso;
	img = mm->context.vdso_image;
	if (!vdso || !img)
		return;
	vvar = -(long)(SW_VVAR_PAGES * SW_PAGE_SIZE);
	if (bpf_core_field_exists(img->sym_vvar_start))
		vvar = img->sym_vvar_start;
	r->vdso_start = vdso + vvar;
	r->vdso_end = vdso + img->size;
}

/* sw_mix folds one segment into a running hash of the iovec array. */
static __always_inline __u64 sw_mix(__u64 h, __u64 base, __u64 len)
{
	h = (h ^ base) * 0x100000001b3ULL;
	return (h ^ len) * 0x100000001b3ULL;
}

/* sw_check_seg classifies segment idx of the call in r. */
static __always_inline void sw_check_seg(struct sw_vmsplice *r, __u32 idx, __u64 base, __u64 len)
{
	__u64 limit = r->user_limit;
	__u64 end = base + len;

	r->iov_hash = sw_mix(r->iov_hash, base, len);
	if (base < limit && len) {
		if (!r->range_start || base < r->range_start)
			r->range_start = base;
		if (end > r->range_end)
			r->range_end = end < limit && end > base ? end : limit;
	}
	if ((base >= r->vdso_start && base < r->vdso_end) ||
	    (base >= SW_VSYSCALL_ADDR && base < SW_VSYSCALL_ADDR + SW_PAGE_SIZE)) {
		if (r->vdso_segs++ == 0) {
			r->vdso_first = idx;
			r->vdso_first_base = base;
		}
	}

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

/* A 32-bit task's iovec segment (struct compat_iovec). */
struct sw_compat_iovec {
	__u32 base;
	__u32 len;
};

/* sw_read_segs reads n segments (the callers bound n by SW_IOV_COPY), from
 * segment first of the array at uiov, into seg. A 32-bit call's array holds compat
 * segments of 8 bytes; they are widened in place, last first, so that
 * every segment is read before its bytes are overwritten. All
 * SW_IOV_COPY slots are widened, without a branch per slot for the
 * verifier to follow: those past n hold stale bytes nobody reads. It
 * returns nonzero when user memory could not be read. */
static __always_inline long sw_read_segs(struct sw_iovec *seg, __u64 uiov, __u64 first, __u64 n, __u32 compat)
{
	__u64 size = compat ? sizeof(struct sw_compat_iovec) : sizeof(struct sw_iovec);
	struct sw_compat_iovec *c = (struct sw_compat_iovec *)seg;

	if (bpf_probe_read_user(seg, (n * size) & 0x1ff, (void *)(uiov + first * size)))
		return -1;
	if (!compat)
		return 0;
#pragma unroll
	for (int j = SW_IOV_COPY - 1; j >= 0; j--) {
		__u64 base = c[j].base, len = c[j].len;

		seg[j].base = base;
		seg[j].len = len;
	}
	/* The checks read the segments back from memory rather than taking
	 * the 32-bit values clang would forward: bounded values multiply the
	 * states the verifier tracks through the checks past its limit. */
	asm volatile("" ::: "memory");
	return 0;
}

/* sw_read_chunk reads chunk i of the nsegs segments at uiov, that is
 * segments 16*i .. 16*i+15, into the per-CPU chunk buffer. It returns the
 * number of segments read, 0 past the end, or -1 when user memory could
 * not be read. */
static __always_inline long sw_read_chunk(struct sw_iov_chunk **chunk, __u64 uiov, __u64 nsegs, __u64 i,
					  __u32 compat)
{
	__u32 zero = 0;
	__u64 first = i * SW_IOV_COPY;
	__u64 n;

	*chunk = bpf_map_lookup_elem(&sw_chunk, &zero);
	if (!*chunk || first >= nsegs)
		return 0;
	n = nsegs - first;
	if (n > SW_IOV_COPY)
		n = SW_IOV_COPY;
	if (sw_read_segs((*chunk)->seg, uiov, first, n, compat))
		return -1;
	return n;
}


struct sw_scan_ctx {
	struct sw_vmsplice *r;
	__u64 nsegs;
	__u32 compat;
};

/* sw_scan_chunk_from1 is a bpf_loop callback: iteration i checks chunk
 * i+1 (chunk 0 is in the record). */
static long sw_scan_chunk_from1(__u32 i, void *ctx)
{
	struct sw_scan_ctx *c = ctx;
	struct sw_vmsplice *r = c->r;
	struct sw_iov_chunk *chunk;
	__u64 first = ((__u64)i + 1) * SW_IOV_COPY;
	long n = sw_read_chunk(&chunk, r->uiov, c->nsegs, (__u64)i + 1, c->compat);

	if (n < 0)
		r->read_err = 1;
	if (n <= 0 || !chunk)
		return 1;
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
 * fields of r for the current task, task. Chunk 0 is read straight into
 * the record. compat, a constant for the verifier, says whether the array
 * holds 32-bit segments. */
static __always_inline void sw_scan_iov(struct sw_vmsplice *r, struct task_struct *task, __u32 compat)
{
	struct mm_struct *mm = task->mm;
	__u64 nsegs = r->nr_segs > SW_IOV_MAX ? SW_IOV_MAX : r->nr_segs;
	__u64 n = nsegs > SW_IOV_COPY ? SW_IOV_COPY : nsegs;

	r->user_limit = sw_user_limit(mm);
	r->kernel_first_base = 0;
	r->overlong_first_base = 0;
	r->overlong_first_len = 0;
	r->kernel_segs = 0;
	r->kernel_first = -1;
	r->overlong_segs = 0;
	r->overlong_first = -1;
	r->segs_scanned = 0;
	r->read_err = 0;
	r->vdso_segs = 0;
	r->vdso_first = -1;
	r->vdso_first_base = 0;
	r->facts = 0;
	r->iov_changed_first = -1;
	r->iov_hash = 0xcbf29ce484222325ULL;
	r->range_start = r->range_end = 0;
	sw_vdso_range(r, mm);
	if (n == 0)
		return;
	if (sw_read_segs(r->iov, r->uiov, 0, n, compat)) {
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
		struct sw_scan_ctx c = {.r = r, .nsegs = nsegs, .compat = compat};
		__u32 chunks = (nsegs + SW_IOV_COPY - 1) / SW_IOV_COPY;

		bpf_loop(chunks - 1, sw_scan_chunk_from1, &c, 0);
	}
}

struct sw_rehash_ctx {
	__u64 uiov;
	__u64 nsegs;
	__u64 hash;
	int err;
	__u32 compat;
};

/* sw_rehash_chunk is a bpf_loop callback: it folds chunk i into c->hash. */
static long sw_rehash_chunk(__u32 i, void *ctx)
{
	struct sw_rehash_ctx *c = ctx;
	struct sw_iov_chunk *chunk;
	long n = sw_read_chunk(&chunk, c->uiov, c->nsegs, i, c->compat);

	if (n < 0)
		c->err = 1;
	if (n <= 0 || !chunk)
		return 1;
#pragma unroll
	for (int j = 0; j < SW_IOV_COPY; j++) {
		if (j >= n)
			break;
		c->hash = sw_mix(c->hash, chunk->seg[j].base, chunk->seg[j].len);
	}
	return 0;
}

/*
 * sw_recheck_iov reads the iovec array again at syscall exit and compares
 * it with what entry saw: another thread may rewrite the array between the
 * sensor's read and the kernel's own copy. The first SW_IOV_COPY segments
 * are compared one by one; the rest through the hash of the whole array.
 */
static __always_inline void sw_recheck_iov(struct sw_vmsplice *r, __u32 compat)
{
	__u64 nsegs = r->nr_segs > SW_IOV_MAX ? SW_IOV_MAX : r->nr_segs;
	__u64 n = nsegs > SW_IOV_COPY ? SW_IOV_COPY : nsegs;
	__u32 zero = 0;
	struct sw_iov_chunk *chunk = bpf_map_lookup_elem(&sw_chunk, &zero);

	if (r->read_err || n == 0 || !chunk)
		return;
	if (sw_read_segs(chunk->seg, r->uiov, 0, n, compat))
		return; /* unmapped since: nothing to compare */
#pragma unroll
	for (int j = 0; j < SW_IOV_COPY; j++) {
		if (j >= n)
			break;
		if (chunk->seg[j].base != r->iov[j].base || chunk->seg[j].len != r->iov[j].len) {
			r->facts |= SW_FACT_IOV_CHANGED;
			r->iov_changed_first = j;
			return;
		}
	}
	if (nsegs > SW_IOV_COPY) {
		struct sw_rehash_ctx c = {
			.uiov = r->uiov, .nsegs = nsegs, .hash = 0xcbf29ce484222325ULL, .compat = compat};

		bpf_loop((nsegs + SW_IOV_COPY - 1) / SW_IOV_COPY, sw_rehash_chunk, &c, 0);
		if (!c.err && c.hash != r->iov_hash)
			r->facts |= SW_FACT_IOV_CHANGED; /* past the copied segments */
	}
}

#endif /* SW_SCAN_H */
