/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * In-kernel filtering, configured by user space: exclusions by comm, uid,
 * cgroup and process (user space resolves executables and containers to
 * processes and cgroups), and a per-process rate limit for ordinary
 * splice, tee and sendfile calls. A call that could carry a suspicious fact
 * is never dropped: the cheap checks below keep every transfer out of a
 * file into a pipe (Dirty Pipe) and every transfer of a sensitive file;
 * vmsplice is decided at exit, once its scan is done.
 */
#ifndef SW_FILTER_H
#define SW_FILTER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "sw_core.h"
#include "sw_event.h"
#include "sw_fd.h"
#include "sw_maps.h"

/* Set by the loader. */
volatile const __u32 sw_filter_on = 0;      /* any exclusion configured */
volatile const __u32 sw_rate_limit = 0;     /* ordinary transfer events per process per window; 0: off */
volatile const __u64 sw_rate_window_ns = 1000000000ULL;

struct sw_file_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct sw_rate {
	__u64 window_start;
	__u64 throttled; /* total, never reset: user space reports the growth */
	__u32 count;
	__u32 pad;
};

#define SW_FILTER_MAP(name, key_t, n) \
	struct { \
		__uint(type, BPF_MAP_TYPE_HASH); \
		__uint(max_entries, n); \
		__type(key, key_t); \
		__type(value, __u8); \
	} name SEC(".maps")

SW_FILTER_MAP(sw_excl_comm, struct sw_comm_key, 256);
SW_FILTER_MAP(sw_excl_uid, __u32, 256);
SW_FILTER_MAP(sw_excl_cgroup, __u64, 1024);
SW_FILTER_MAP(sw_excl_pid, __u32, 16384);
SW_FILTER_MAP(sw_sensitive, struct sw_file_key, 4096);

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tgid */
	__type(value, struct sw_rate);
} sw_rates SEC(".maps");

/* sw_config_gen returns the configuration generation (see sw_config). */
static __always_inline __u32 sw_config_gen(void)
{
	__u32 zero = 0;
	__u32 *gen = bpf_map_lookup_elem(&sw_config, &zero);

	return gen ? *gen : 0;
}

/* sw_excluded reports whether the current task, task, whose state is t, is
 * excluded. The four map lookups are done when something they depend on
 * changed since the thread's last call: otherwise the cached verdict
 * holds. */
static __always_inline int sw_excluded(struct sw_task *t, struct task_struct *task)
{
	struct sw_verdict *v = &t->verdict;
	struct sw_comm_key comm;
	__u32 uid, tgid, gen;
	__u64 cg;

	if (!sw_filter_on)
		return 0;
	gen = sw_config_gen();
	tgid = task->tgid;
	uid = task->cred->uid.val;
	cg = sw_task_cgroup_id(task);
	__builtin_memcpy(comm.comm, task->comm, sizeof(comm.comm));
	if (gen && v->gen == gen && v->tgid == tgid && v->uid == uid && v->cgroup_id == cg &&
	    v->comm.words[0] == comm.words[0] && v->comm.words[1] == comm.words[1])
		return v->excluded;
	v->excluded = bpf_map_lookup_elem(&sw_excl_pid, &tgid) || bpf_map_lookup_elem(&sw_excl_uid, &uid) ||
		      bpf_map_lookup_elem(&sw_excl_cgroup, &cg) || bpf_map_lookup_elem(&sw_excl_comm, &comm);
	v->gen = gen;
	v->tgid = tgid;
	v->uid = uid;
	v->cgroup_id = cg;
	v->comm = comm;
	v->plain_ino = 0;
	v->plain_dev = 0;
	return v->excluded;
}

/* sw_over_rate counts an ordinary transfer of the current process and
 * reports whether it is over the rate limit; a throttled call is counted. */
static __always_inline int sw_over_rate(struct task_struct *task)
{
	__u32 tgid = task->tgid;
	__u64 now;
	struct sw_rate *r;

	if (!sw_rate_limit)
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&sw_rates, &tgid);
	if (!r) {
		struct sw_rate fresh = {.window_start = now, .count = 1};
		bpf_map_update_elem(&sw_rates, &tgid, &fresh, BPF_NOEXIST);
		return 0;
	}
	if (now - r->window_start > sw_rate_window_ns) {
		r->window_start = now;
		r->count = 1;
		return 0;
	}
	if (r->count < sw_rate_limit) {
		r->count++;
		return 0;
	}
	__sync_fetch_and_add(&r->throttled, 1);
	return 1;
}

/* sw_may_be_suspicious is the cheap pre-check of a transfer about to be
 * dropped: out of a regular file into a pipe, or out of a sensitive file.
 * The last regular file found not sensitive is remembered in the verdict,
 * which sw_excluded has just checked is current. */
static __always_inline int sw_may_be_suspicious(struct sw_task *t, struct task_struct *task, __s64 fd_in,
						__s64 fd_out)
{
	struct sw_verdict *v = &t->verdict;
	struct file *in = sw_fd_file(task, fd_in);
	struct file *out;
	struct inode *inode;
	struct super_block *sb;
	struct sw_file_key key = {};

	if (!in)
		return 0;
	inode = SW_RD(in, f_inode);
	if ((SW_RD(inode, i_mode) & SW_S_IFMT) != SW_S_IFREG)
		return 0;
	key.ino = SW_RD(inode, i_ino);
	sb = SW_RD(inode, i_sb);
	key.dev = SW_RD(sb, s_dev);
	if (key.ino != v->plain_ino || key.dev != v->plain_dev) {
		if (bpf_map_lookup_elem(&sw_sensitive, &key))
			return 1;
		v->plain_ino = key.ino;
		v->plain_dev = key.dev;
	}
	out = sw_fd_file(task, fd_out);
	if (!out)
		return 0;
	inode = SW_RD(out, f_inode);
	return (SW_RD(inode, i_mode) & SW_S_IFMT) == SW_S_IFIFO;
}

/* sw_drop_transfer decides, at entry, whether to drop an ordinary
 * transfer: excluded or over the rate, and nothing suspicious possible. */
static __always_inline int sw_drop_transfer(struct sw_task *t, struct task_struct *task, __s64 fd_in,
					    __s64 fd_out)
{
	if (!sw_excluded(t, task) && !sw_over_rate(task))
		return 0;
	if (sw_may_be_suspicious(t, task, fd_in, fd_out))
		return 0;
	sw_count(SW_STAT_FILTERED);
	return 1;
}

#endif /* SW_FILTER_H */
