/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps shared by every program of an attach mode, and the loader-set
 * constants.
 */
#ifndef SW_MAPS_H
#define SW_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sw_core.h"
#include "sw_event.h"

/* Set by the loader before load. */
volatile const __u64 sw_wakeup_bytes = 256 * 1024; /* per CPU: wake the reader past this much data */
volatile const __u64 sw_default_user_limit = 0x00007ffffffff000ULL;

/* The record of the call a thread is in, between entry and exit. */
union sw_pending {
	struct sw_header h;
	struct sw_vmsplice vmsplice;
	struct sw_xfer xfer;
};

/* A comm as a map key. */
struct sw_comm_key {
	union {
		char comm[SW_COMM_LEN];
		__u64 words[SW_COMM_LEN / 8]; /* for comparing without memcmp */
	};
};

/* The range this thread last wrote to sw_spliced (see sw_race.h). */
struct sw_track {
	__u64 mm;
	__u64 pipe;
	__u64 start;
	__u64 end;
	__u64 ts;
};

/* The thread's last exclusion decision and what it depended on (see
 * sw_filter.h). It holds while gen equals sw_config[0]. */
struct sw_verdict {
	__u64 cgroup_id;
	__u32 gen;
	__u32 tgid;
	__u32 uid;
	__u32 excluded;
	struct sw_comm_key comm;
	__u64 plain_ino; /* the last regular file found not sensitive */
	__u32 plain_dev;
	__u32 pad;
};

/* The file whose path one of the path fields of the thread's pending
 * transfer record still holds from the previous call: when the next call
 * names the same file, the path is already in place. */
struct sw_held_path {
	__u64 dentry; /* 0: nothing held */
	__u64 mnt;
	__u64 ino;
	__u64 ts; /* when the path was walked */
	__u32 dev;
	__u32 gen;
	__u32 len; /* the path's length */
	__u32 pad;
};

/* What the sensor keeps per thread. */
struct sw_task {
	union sw_pending p; /* the call in progress */
	struct sw_track track;
	struct sw_verdict verdict;
	struct sw_held_path held_in;  /* the start of p.xfer.paths */
	struct sw_held_path held_out; /* out_path */
	char out_path[SW_PATH_LEN];   /* the output's path, copied after the input's */
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
	__type(value, struct sw_task);
} sw_pending SEC(".maps");

/*
 * Bytes each CPU has sent since it last woke the reader. Waking the reader
 * on every record costs more than the call being watched; each CPU wakes
 * it once per sw_wakeup_bytes instead (the loader divides the ring among
 * the CPUs), and the reader's poll timer collects the rest. An array
 * lookup is inlined by the verifier: no helper call.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sw_unwoken SEC(".maps");

/* sw_config[0] is the configuration generation: user space bumps it when
 * it changes an exclusion or the sensitive files, which voids the
 * threads' cached verdicts. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sw_config SEC(".maps");

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

/* sw_task_get returns the state of task, the current task; with
 * BPF_LOCAL_STORAGE_GET_F_CREATE it is created on first use. */
static __always_inline struct sw_task *sw_task_get(struct task_struct *task, __u64 flags)
{
	struct sw_task *t = bpf_task_storage_get(&sw_pending, task, 0, flags);

	if (!t && flags)
		sw_count(SW_STAT_PENDING_FULL);
	return t;
}

/* sw_wake_flag returns the bpf_ringbuf_output flag for a record of size
 * bytes: wake the reader at once for an urgent record, or when this CPU
 * has sent sw_wakeup_bytes since its last wakeup. */
static __always_inline __u64 sw_wake_flag(__u64 size, int urgent)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&sw_unwoken, &zero);

	if (!n)
		return 0;
	if (!urgent && *n + size < sw_wakeup_bytes) {
		*n += size;
		return BPF_RB_NO_WAKEUP;
	}
	*n = 0;
	return BPF_RB_FORCE_WAKEUP;
}

#endif /* SW_MAPS_H */
