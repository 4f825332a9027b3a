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
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

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

struct vdso_image {
	unsigned long size;
	long sym_vvar_start; /* gone in 6.x's generic vDSO data pages */
};

typedef struct {
	void *vdso;
	const struct vdso_image *vdso_image;
} mm_context_t;

struct mm_struct {
	unsigned long task_size;
	mm_context_t context;
};

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

struct super_block {
	unsigned int s_dev;
};

struct inode {
	unsigned short i_mode;
	kuid_t i_uid;
	kgid_t i_gid;
	struct super_block *i_sb;
	unsigned long i_ino;
	unsigned int i_rdev;
	long long i_size;
	unsigned int i_generation;
};

struct qstr {
	unsigned int len;
	const unsigned char *name;
};

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct file {
	unsigned int f_mode;
	unsigned int f_flags;
	long long f_pos;
	struct inode *f_inode;
	struct path f_path;
	void *private_data;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
	struct file *fd_array[64];
};

struct pipe_buffer {
	unsigned int len;
	unsigned int flags;
};

struct pipe_inode_info {
	unsigned int head;
	unsigned int tail;
	unsigned int ring_size;
	unsigned int readers;
	unsigned int writers;
	struct pipe_buffer *bufs;
};

/* x86_64 register file, as the syscall wrappers (__x64_sys_*, __ia32_sys_*)
 * receive it. A 64-bit call passes its arguments in di, si, dx, r10, r8,
 * r9; a 32-bit (ia32) call in bx, cx, dx, si, di, bp. orig_ax is the
 * system call number. */
struct pt_regs {
	unsigned long r10;
	unsigned long r8;
	unsigned long r9;
	unsigned long bp;
	unsigned long bx;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long ax;
	unsigned long orig_ax;
};

/* x86's thread_info, the first member of task_struct. */
struct thread_info {
	__u32 status; /* TS_COMPAT while the task is in a 32-bit system call */
};

typedef struct {
	int counter;
} atomic_t;

struct signal_struct {
	atomic_t live;
};

struct cred {
	kuid_t uid;
	kgid_t gid;
};

struct kernfs_node {
	__u64 id;
};

struct cgroup {
	struct kernfs_node *kn;
};

struct css_set {
	struct cgroup *dfl_cgrp;
};

struct task_struct {
	struct thread_info thread_info;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
	struct files_struct *files;
	struct signal_struct *signal;
	int exit_code;
	char comm[16];
	const struct cred *cred;
	struct css_set *cgroups;
};

#pragma clang attribute pop

/*
 * Reading kernel memory.
 *
 * A pointer the program got from a BTF-typed pointer (the current task,
 * a tp_btf argument) is loaded from directly: each field is one
 * instruction. A kernel address held as a number (a slot of the fd array,
 * a pointer saved in a map) has no type for the verifier. Kernels since 6.2
 * have the bpf_rdonly_cast kfunc, which gives it one, so its fields are
 * loaded directly too; older kernels read each field with
 * bpf_probe_read_kernel, a helper call costing tens of nanoseconds.
 *
 * The loader sets sw_use_cast when the kernel has bpf_rdonly_cast. It is
 * read-only data, so the verifier knows its value and never visits the
 * other branch of sw_kptr and SW_RD: on an old kernel the (weak, missing)
 * kfunc call is dead code.
 */
volatile const __u32 sw_use_cast = 0;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* sw_kptr gives the kernel address p the type `type *`. */
#define sw_kptr(type, p) \
	(sw_use_cast ? (type *)bpf_rdonly_cast((const void *)(p), bpf_core_type_id_kernel(type)) : (type *)(p))

/* sw_task_cgroup_id is bpf_get_current_cgroup_id() of task, by direct loads. */
static __always_inline __u64 sw_task_cgroup_id(struct task_struct *task)
{
	return task->cgroups->dfl_cgrp->kn->id;
}

/* SW_RD reads p->field of a pointer from sw_kptr or from another SW_RD. */
#define SW_RD(p, field) (sw_use_cast ? (p)->field : BPF_CORE_READ(p, field))

#endif /* SW_CORE_H */
