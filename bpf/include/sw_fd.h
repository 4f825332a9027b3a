/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * File descriptor context: what an fd argument referred to at the moment
 * of the call (type, inode, owner, mode, open mode, pipe ring state), and
 * the path of a file, built by a bounded walk over dentries and mounts.
 * Everything is read from kernel memory, so the answer stays right even
 * if the fd is closed or replaced right after the call.
 */
#ifndef SW_FD_H
#define SW_FD_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "sw_core.h"
#include "sw_event.h"
#include "sw_maps.h"

#define SW_S_IFMT 0170000
#define SW_S_IFSOCK 0140000
#define SW_S_IFREG 0100000
#define SW_S_IFBLK 0060000
#define SW_S_IFCHR 0020000
#define SW_S_IFIFO 0010000

#define SW_FMODE_WRITE 0x2
#define SW_PIPE_BUF_FLAG_CAN_MERGE 0x10

#define SW_PATH_DEPTH 24 /* path components walked at most */
#define SW_PATH_WORK 512 /* bytes the walk may fill, right to left */

struct sw_path_buf {
	char buf[2 * SW_PATH_WORK]; /* twice the working size keeps masked offsets in bounds */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_path_buf);
} sw_pathbuf SEC(".maps");

/* sw_fd_file returns the struct file behind fd in task, the current task,
 * as a pointer for SW_RD. */
static __always_inline struct file *sw_fd_file(struct task_struct *task, __s64 fd)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file **slot;
	struct file *f = 0;

	if (fd < 0 || !files)
		return 0;
	fdt = files->fdt;
	if (!fdt || (__u64)fd >= fdt->max_fds)
		return 0;
	slot = &fdt->fd[fd];
	if (sw_use_cast) {
		/* The verifier does not let a typed pointer move by a variable
		 * index. Type the slot's address instead, as the first entry
		 * of a files_struct's fd_array, and load it at that constant
		 * offset. */
		struct files_struct *at = sw_kptr(struct files_struct,
			(__u64)slot - bpf_core_field_offset(struct files_struct, fd_array));
		return at->fd_array[0];
	}
	bpf_probe_read_kernel(&f, sizeof(f), slot);
	return f;
}

static __always_inline __u32 sw_fd_type(__u32 mode)
{
	switch (mode & SW_S_IFMT) {
	case SW_S_IFIFO:
		return SW_FD_PIPE;
	case SW_S_IFREG:
		return SW_FD_FILE;
	case SW_S_IFSOCK:
		return SW_FD_SOCKET;
	case SW_S_IFCHR:
		return SW_FD_CHR;
	case SW_S_IFBLK:
		return SW_FD_BLK;
	}
	return SW_FD_OTHER;
}

/* sw_fd_fill describes f, from sw_fd_file, in d and returns its pipe, if
 * it is one, as a pointer for SW_RD. */
static __always_inline struct pipe_inode_info *sw_fd_fill(struct sw_fd *d, struct file *f)
{
	struct inode *inode;
	struct super_block *sb;
	struct pipe_inode_info *pipe;

	__builtin_memset(d, 0, sizeof(*d));
	if (!f)
		return 0;
	inode = SW_RD(f, f_inode);
	d->f_mode = SW_RD(f, f_mode);
	d->f_flags = SW_RD(f, f_flags);
	d->mode = SW_RD(inode, i_mode);
	d->type = sw_fd_type(d->mode);
	d->ino = SW_RD(inode, i_ino);
	d->uid = SW_RD(inode, i_uid.val);
	d->gid = SW_RD(inode, i_gid.val);
	sb = SW_RD(inode, i_sb);
	d->dev = SW_RD(sb, s_dev);
	if (d->type == SW_FD_FILE) {
		/* Only files have a meaningful size or get a path to cache. */
		d->size = SW_RD(inode, i_size);
		d->generation = SW_RD(inode, i_generation);
	}
	if (d->type == SW_FD_CHR || d->type == SW_FD_BLK)
		d->rdev = SW_RD(inode, i_rdev);
	if (d->type != SW_FD_PIPE)
		return 0;
	pipe = sw_kptr(struct pipe_inode_info, SW_RD(f, private_data));
	if (!pipe)
		return 0;
	d->pipe_head = SW_RD(pipe, head);
	d->pipe_tail = SW_RD(pipe, tail);
	d->pipe_ring_size = SW_RD(pipe, ring_size);
	d->pipe_readers = SW_RD(pipe, readers);
	d->pipe_writers = SW_RD(pipe, writers);
	return pipe;
}

/* sw_pipe_newest_flags returns the flags of the newest buffer in pipe. */
static __always_inline __u32 sw_pipe_newest_flags(struct pipe_inode_info *pipe)
{
	unsigned int head = SW_RD(pipe, head);
	unsigned int size = SW_RD(pipe, ring_size);
	struct pipe_buffer *bufs = SW_RD(pipe, bufs);
	struct pipe_buffer *newest;

	if (!bufs || size == 0 || (size & (size - 1)))
		return 0;
	newest = sw_kptr(struct pipe_buffer,
		(__u64)bufs + ((head - 1) & (size - 1)) * bpf_core_type_size(struct pipe_buffer));
	return SW_RD(newest, flags);
}

struct sw_walk {
	char *buf;
	struct dentry *d;
	struct mount *mnt;
	struct dentry *root;
	int pos;
};

static __always_inline struct mount *sw_real_mount(struct vfsmount *m)
{
	return (struct mount *)((char *)m - bpf_core_field_offset(struct mount, mnt));
}

/* sw_walk_step is a bpf_loop callback: it prepends one path component. */
static long sw_walk_step(__u32 i, void *ctx)
{
	/* Copy the cursor out of the local struct first: BPF_CORE_READ would
	 * otherwise try to relocate the accesses to sw_walk itself. */
	struct sw_walk *w = ctx;
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	const unsigned char *name;
	unsigned int len;

	if (d == w->root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt)
			return 1; /* the root of the mount tree */
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	if (!name || len >= w->pos || len > 255)
		return 1; /* truncated: keep the tail we have */
	w->pos -= len;
	bpf_probe_read_kernel(&w->buf[w->pos & (SW_PATH_WORK - 1)], len & 255, name);
	w->pos--;
	w->buf[w->pos & (SW_PATH_WORK - 1)] = '/';
	w->d = parent;
	return 0;
}

/*
 * Paths recently walked, by (dentry, mount). A busy server sends the same
 * files over and over: the walk is done once a second per file, not once
 * per call. An entry is trusted for sw_path_ttl_ns only, which bounds how
 * stale a path can be after a rename.
 */
volatile const __u64 sw_path_ttl_ns = 1000000000ULL;

struct sw_path_key {
	__u64 dentry;
	__u64 mnt;
};

struct sw_path_val {
	__u64 ts;
	__u64 ino; /* a freed dentry's address can be reused by another file: */
	__u32 dev; /* an entry counts only for the same inode */
	__u32 gen;
	__u32 len;
	__u32 pad;
	char path[SW_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sw_path_key);
	__type(value, struct sw_path_val);
} sw_paths SEC(".maps");

static __always_inline __u32 sw_file_path_walk(char out[SW_PATH_LEN], struct dentry *dentry, struct vfsmount *vfs);

/* sw_path_val_set fills a path-cache value: the path of the file d, of
 * len bytes, walked at now. */
static __always_inline void sw_path_val_set(struct sw_path_val *v, struct sw_fd *d, __u64 now, __u32 len,
					    const char path[SW_PATH_LEN])
{
	v->ts = now;
	v->ino = d->ino;
	v->dev = d->dev;
	v->gen = d->generation;
	v->len = len;
	__builtin_memcpy(v->path, path, SW_PATH_LEN);
}

/* sw_file_path writes the path of f, described by d, into out, a
 * NUL-terminated string, at time now, and returns its length (0 without
 * f). A path longer than out keeps its end. held says which file's path
 * out already holds; it is updated. */
static __always_inline __u32 sw_file_path(char out[SW_PATH_LEN], struct file *f, struct sw_fd *d,
					  struct sw_held_path *held, __u64 now)
{
	struct sw_path_key key;
	struct sw_path_val *hit;
	__u32 len;

	if (!f) {
		out[0] = 0;
		held->dentry = 0;
		return 0;
	}
	key.dentry = (__u64)SW_RD(f, f_path.dentry);
	key.mnt = (__u64)SW_RD(f, f_path.mnt);
	/* The same file as this thread's previous call: nothing to copy. */
	if (held->dentry == key.dentry && held->mnt == key.mnt && held->ino == d->ino &&
	    held->dev == d->dev && held->gen == d->generation && now - held->ts < sw_path_ttl_ns)
		return held->len;
	held->dentry = key.dentry;
	held->mnt = key.mnt;
	held->ino = d->ino;
	held->dev = d->dev;
	held->gen = d->generation;
	hit = bpf_map_lookup_elem(&sw_paths, &key);
	if (hit && now - hit->ts < sw_path_ttl_ns && hit->ino == d->ino && hit->dev == d->dev &&
	    hit->gen == d->generation) {
		__builtin_memcpy(out, hit->path, SW_PATH_LEN);
		held->ts = hit->ts;
		held->len = hit->len;
		return hit->len;
	}
	held->ts = now;
	held->len = len = sw_file_path_walk(out, (struct dentry *)key.dentry, (struct vfsmount *)key.mnt);
	hit = bpf_map_lookup_elem(&sw_paths, &key);
	if (hit) {
		sw_path_val_set(hit, d, now, len, out);
	} else {
		/* The record's buffer is map memory: insert it as the value's
		 * path by building the value in the per-CPU scratch. */
		__u32 zero = 0;
		struct sw_path_buf *pb = bpf_map_lookup_elem(&sw_pathbuf, &zero);
		if (pb) {
			struct sw_path_val *v = (struct sw_path_val *)pb->buf;
			sw_path_val_set(v, d, now, len, out);
			bpf_map_update_elem(&sw_paths, &key, v, BPF_ANY);
		}
	}
	return len;
}

/* sw_file_path_walk writes the path of (dentry, vfs) into out, a
 * NUL-terminated string, and returns its length. */
static __always_inline __u32 sw_file_path_walk(char out[SW_PATH_LEN], struct dentry *dentry, struct vfsmount *vfs)
{
	__u32 zero = 0;
	struct sw_path_buf *pb = bpf_map_lookup_elem(&sw_pathbuf, &zero);
	struct sw_walk w;
	int len;

	out[0] = 0;
	if (!pb)
		return 0;
	w.buf = pb->buf;
	w.d = dentry;
	w.mnt = sw_real_mount(vfs);
	w.root = BPF_CORE_READ(vfs, mnt_root);
	w.pos = SW_PATH_WORK;
	bpf_loop(SW_PATH_DEPTH, sw_walk_step, &w, 0);
	len = SW_PATH_WORK - w.pos;
	if (len <= 0) {
		out[0] = '/';
		out[1] = 0;
		return 1;
	}
	if (len > SW_PATH_LEN - 1) {
		w.pos += len - (SW_PATH_LEN - 1);
		len = SW_PATH_LEN - 1;
	}
	if (bpf_probe_read_kernel(out, len & (SW_PATH_LEN - 1), &pb->buf[w.pos & (SW_PATH_WORK - 1)]))
		return 0;
	out[len & (SW_PATH_LEN - 1)] = 0;
	return len & (SW_PATH_LEN - 1);
}

/* sw_can_write reports whether uid/gid may write the file described by d,
 * by its open mode and permission bits (root may write anything). */
static __always_inline int sw_can_write(struct sw_fd *d, __u32 uid, __u32 gid)
{
	if (d->f_mode & SW_FMODE_WRITE || uid == 0)
		return 1;
	if (d->uid == uid)
		return !!(d->mode & 0200);
	if (d->gid == gid)
		return !!(d->mode & 0020);
	return !!(d->mode & 0002);
}

#endif /* SW_FD_H */
