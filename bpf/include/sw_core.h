/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Minimal CO-RE view of the kernel structures splicewatch reads.
 *
 * Only the fields we use are declared; preserve_access_index makes libbpf /
 * cilium/ebpf relocate every access against the running kernel's BTF, so
 * the layout here does not need to match any particular kernel.
 */
#ifndef SW_CORE_H
#define SW_CORE_H

#include <linux/types.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct ns_common {
	unsigned int inum;
};

struct mnt_namespace {
	struct ns_common ns;
};

struct pid_namespace {
	struct ns_common ns;
};

struct nsproxy {
	struct mnt_namespace *mnt_ns;
	struct pid_namespace *pid_ns_for_children;
};

struct mm_struct {
	unsigned long task_size;
};

/* x86_64 register file, as the syscall wrappers (__x64_sys_*) receive it. */
struct pt_regs {
	unsigned long r10;
	unsigned long r8;
	unsigned long r9;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long ax;
};

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
	char comm[16];
};

#pragma clang attribute pop

#endif /* SW_CORE_H */
