/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps shared by every program of an attach mode, and the loader-set
 * constants.
 */
#ifndef SW_MAPS_H
#define SW_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sw_event.h"

/* Set by the loader before load. */
volatile const __u64 sw_wakeup_bytes = 256 * 1024; /* wake the reader past this much data */
volatile const __u64 sw_default_user_limit = 0x00007ffffffff000ULL;

/* The record of the call a thread is in, between entry and exit. */
union sw_pending {
	struct sw_header h;
	struct sw_vmsplice vmsplice;
	struct sw_xfer xfer;
};

/* Records for user space. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024); /* resized by the loader */
} sw_events SEC(".maps");

/* Loss counters, indexed by enum sw_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sw_stats SEC(".maps");

/*
 * Pending records, one per thread. Task-local storage is found in a few
 * instructions from the task, is filled in place (no staging copy), and
 * goes away with the task, so a thread killed inside a call leaves nothing
 * behind.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, union sw_pending);
} sw_pending SEC(".maps");

/* One chunk of iovec segments, read during the vmsplice scan. */
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

/* sw_pending_get returns the calling thread's pending record; with
 * BPF_LOCAL_STORAGE_GET_F_CREATE it is created on first use. */
static __always_inline union sw_pending *sw_pending_get(__u64 flags)
{
	union sw_pending *p;

	p = bpf_task_storage_get(&sw_pending, bpf_get_current_task_btf(), 0, flags);
	if (!p && flags)
		sw_count(SW_STAT_PENDING_FULL);
	return p;
}

#endif /* SW_MAPS_H */
