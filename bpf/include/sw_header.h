/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The process context every record starts with. */
#ifndef SW_HEADER_H
#define SW_HEADER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sw_core.h"
#include "sw_event.h"

/* sw_fill_header fills h for the current task, task. Everything but the
 * timestamp is loaded directly from the BTF task pointer: a few instructions each, where a helper call costs tens of
 * nanoseconds on a virtual machine. The values are those of
 * bpf_get_current_{pid_tgid,uid_gid,cgroup_id}. */
static __always_inline void sw_fill_header(struct sw_header *h, __u32 kind, struct task_struct *task)
{
	const struct cred *cred = task->cred;
	struct nsproxy *ns;

	h->ts_enter = bpf_ktime_get_ns();
	h->ts_exit = 0;
	h->ret = 0;
	h->kind = kind;
	h->flags = 0;
	h->pad = 0;
	h->pid = task->tgid;
	h->tid = task->pid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->cgroup_id = sw_task_cgroup_id(task);
	h->ppid = task->real_parent->tgid;
	ns = task->nsproxy;
	h->mnt_ns = ns ? ns->mnt_ns->ns.inum : 0;
	h->pid_ns = ns ? ns->pid_ns_for_children->ns.inum : 0;
	__builtin_memcpy(h->comm, task->comm, sizeof(h->comm));
}

#endif /* SW_HEADER_H */
