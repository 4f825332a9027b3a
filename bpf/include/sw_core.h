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

typedef struct {
	int counter;
} atomic_t;

struct signal_struct {
	atomic_t live;
};

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
	struct files_struct *files;
	struct signal_struct *signal;
	int exit_code;
	char comm[16];
};

#pragma clang attribute pop

#endif /* SW_CORE_H */
