/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The process context every record starts with. */
#ifndef SW_HEADER_H
#define SW_HEADER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sw_core.h"
#include "sw_event.h"

static __always_inline void sw_fill_header(struct sw_header *h, __u32 kind)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct nsproxy *ns;

	h->ts_enter = bpf_ktime_get_ns();
	h->ts_exit = 0;
	h->ret = 0;
	h->kind = kind;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->ppid = task->real_parent->tgid;
	ns = task->nsproxy;
	h->mnt_ns = ns ? ns->mnt_ns->ns.inum : 0;
	h->pid_ns = ns ? ns->pid_ns_for_children->ns.inum : 0;
	/* A direct read of the BTF task pointer: cheaper than the helper. */
	__builtin_memcpy(h->comm, task->comm, sizeof(h->comm));
}

#endif /* SW_HEADER_H */
