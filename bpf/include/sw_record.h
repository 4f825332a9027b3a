/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Record building shared by every attach mode.
 *
 * An attach mode (tracepoint, kprobe, fentry) only extracts the raw syscall
 * arguments and calls sw_*_enter() at entry and sw_exit() at exit. The
 * entry half fills the thread's pending record in place with the arguments
 * and the facts computed from them; the exit half adds the return value
 * and sends the record to user space with one bpf_ringbuf_output().
 */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include "sw_core.h"
#include "sw_header.h"
#include "sw_fd.h"
#include "sw_maps.h"
#include "sw_scan.h"
#include "sw_race.h"
#include "sw_filter.h"

/* Entry flags: SW_HDR_* bits, stored in the record's header, and bits
 * above them that only tell the entry half how to read the arguments. */
#define SW_ENTER_OFF32 0x100 /* the offset is a 32-bit compat_off_t (ia32 sendfile) */
#define SW_ENTER_HDR_MASK 0xff

/* sw_entry_flags returns the header flags of a call entered with hflags
 * by task: a 32-bit call from a 64-bit process is marked, since such a
 * process has no reason to take the 32-bit entry but to avoid hooks on
 * the 64-bit one. A 32-bit program's address space ends below 4 GiB. */
static __always_inline __u32 sw_entry_flags(__u32 hflags, struct task_struct *task)
{
	__u32 flags = hflags & SW_ENTER_HDR_MASK;
	struct mm_struct *mm;

	if (!(hflags & SW_HDR_COMPAT))
		return flags;
	mm = task->mm;
	if (mm && mm->task_size > 0xffffffffULL)
		flags |= SW_HDR_COMPAT_FROM64;
	return flags;
}

/* sw_vmsplice_enter records a vmsplice call and scans its whole iovec;
 * hflags is SW_HDR_COMPAT for a 32-bit call. */
static __always_inline int sw_vmsplice_enter(__s64 fd, __u64 uiov, __u64 nr_segs, __u64 flags, __u32 hflags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sw_task *t = sw_task_get(task, BPF_LOCAL_STORAGE_GET_F_CREATE);
	struct sw_vmsplice *r;

	if (!t)
		return 0;
	r = &t->p.vmsplice;
	t->held_in.dentry = 0; /* the record overlaps the input's path */
	sw_fill_header(&r->h, SW_KIND_VMSPLICE, task);
	r->h.flags = sw_entry_flags(hflags, task);
	r->fd = fd;
	r->uiov = uiov;
	r->nr_segs = nr_segs;
	r->flags = flags;
	r->kpipe = (__u64)sw_fd_fill(&r->fd_info, sw_fd_file(task, fd));
	sw_scan_iov(r, task, hflags & SW_HDR_COMPAT);
	return 0;
}

/* sw_path_wanted says whether an fd's path is worth the dentry walk. */
static __always_inline int sw_path_wanted(__u32 type)
{
	return type == SW_FD_FILE || type == SW_FD_CHR || type == SW_FD_BLK;
}

/* sw_xfer_fds describes both fds of a transfer and the paths of files. */
static __always_inline void sw_xfer_fds(struct sw_task *t, struct task_struct *task)
{
	struct sw_xfer *r = &t->p.xfer;
	struct file *in = sw_fd_file(task, r->fd_in);
	struct file *out = sw_fd_file(task, r->fd_out);
	__u32 in_len, out_len;

	r->facts = 0;
	sw_fd_fill(&r->in, in);
	r->out_pipe = (__u64)sw_fd_fill(&r->out, out);
	in_len = sw_file_path(r->paths, sw_path_wanted(r->in.type) ? in : 0, &r->in, &t->held_in, r->h.ts_enter);
	out_len = sw_file_path(t->out_path, sw_path_wanted(r->out.type) ? out : 0, &r->out, &t->held_out,
			       r->h.ts_enter);
	in_len &= SW_PATH_LEN - 1;
	out_len &= SW_PATH_LEN - 1;
	r->path_in_len = in_len;
	r->path_out_len = 0;
	/* The output's path follows the input's, so that the record ends
	 * after the bytes in use. */
	if (out_len && !bpf_probe_read_kernel(&r->paths[in_len], out_len, t->out_path))
		r->path_out_len = out_len;
	/* With a NULL offset the call reads from the file position. */
	if (in && !r->off_in && r->in.type == SW_FD_FILE) {
		r->off_in_val = SW_RD(in, f_pos);
		r->valid |= SW_XFER_OFF_IN_VALID;
	}
}

/* sw_dirty_pipe sets the Dirty Pipe facts of a file-to-pipe splice at exit. */
static __always_inline void sw_dirty_pipe(struct sw_xfer *r)
{
	struct pipe_inode_info *pipe = sw_kptr(struct pipe_inode_info, r->out_pipe);

	r->out_pipe = 0; /* never send a kernel pointer */
	if (!pipe)
		return;
	r->out.pipe_buf_flags = sw_pipe_newest_flags(pipe);
	if (r->in.type != SW_FD_FILE || r->out.type != SW_FD_PIPE || r->h.ret <= 0)
		return;
	/* Kernel-confirmed: the buffer just filled from a file may be merged
	 * into by a later write(), which then lands in the page cache. */
	if (r->out.pipe_buf_flags & SW_PIPE_BUF_FLAG_CAN_MERGE)
		r->facts |= SW_FACT_DIRTY_PIPE_MERGE;
	/* Behavioural: a file the caller cannot write, spliced into a pipe
	 * whose ring has wrapped, a few bytes from an unaligned offset. */
	if (!sw_can_write(&r->in, r->h.uid, r->h.gid) && r->out.pipe_ring_size &&
	    r->out.pipe_head >= r->out.pipe_ring_size && r->len < SW_PAGE_SIZE &&
	    (r->valid & SW_XFER_OFF_IN_VALID) && (r->off_in_val & (SW_PAGE_SIZE - 1)))
		r->facts |= SW_FACT_DIRTY_PIPE_SHAPE;
}

/* sw_read_off reads the offset a transfer's offset pointer p points to:
 * a 64-bit loff_t, or a 32-bit compat_off_t for SW_ENTER_OFF32. It returns
 * nonzero when it could not be read. */
static __always_inline long sw_read_off(__s64 *v, __u64 p, __u32 hflags)
{
	__s32 v32;

	if (!(hflags & SW_ENTER_OFF32))
		return bpf_probe_read_user(v, sizeof(*v), (void *)p);
	if (bpf_probe_read_user(&v32, sizeof(v32), (void *)p))
		return -1;
	*v = v32;
	return 0;
}

/* sw_xfer_enter records a splice, tee or sendfile call; hflags is
 * SW_HDR_COMPAT for a 32-bit call, with SW_ENTER_OFF32 when its offsets
 * are 32-bit. */
static __always_inline int sw_xfer_enter(__u32 kind, __s64 fd_in, __u64 off_in, __s64 fd_out,
					 __u64 off_out, __u64 len, __u32 flags, __u32 hflags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sw_task *t = sw_task_get(task, BPF_LOCAL_STORAGE_GET_F_CREATE);
	struct sw_xfer *r;

	if (!t)
		return 0;
	r = &t->p.xfer;
	if (sw_drop_transfer(t, task, fd_in, fd_out)) {
		r->h.kind = 0;
		return 0;
	}
	sw_fill_header(&r->h, kind, task);
	r->h.flags = sw_entry_flags(hflags, task);
	r->fd_in = fd_in;
	r->fd_out = fd_out;
	r->off_in = off_in;
	r->off_out = off_out;
	r->len = len;
	r->flags = flags;
	r->valid = 0;
	r->off_in_val = 0;
	r->off_out_val = 0;
	if (off_in && !sw_read_off(&r->off_in_val, off_in, hflags))
		r->valid |= SW_XFER_OFF_IN_VALID;
	if (off_out && !sw_read_off(&r->off_out_val, off_out, hflags))
		r->valid |= SW_XFER_OFF_OUT_VALID;
	sw_xfer_fds(t, task);
	return 0;
}

/* sw_record_size is the number of bytes of p to send: a vmsplice record
 * ends after its last copied segment, a transfer after its paths. */
static __always_inline __u64 sw_record_size(union sw_pending *p)
{
	__u64 n;

	if (p->h.kind != SW_KIND_VMSPLICE)
		return __builtin_offsetof(struct sw_xfer, paths) + (p->xfer.path_in_len & (SW_PATH_LEN - 1)) +
		       (p->xfer.path_out_len & (SW_PATH_LEN - 1));
	n = p->vmsplice.read_err ? 0 : p->vmsplice.nr_segs;
	if (n > SW_IOV_COPY)
		n = SW_IOV_COPY;
	return __builtin_offsetof(struct sw_vmsplice, iov) + n * sizeof(struct sw_iovec);
}

/* sw_suspicious says whether a completed record carries a suspicious fact. */
static __always_inline int sw_suspicious(union sw_pending *p)
{
	if (p->h.kind == SW_KIND_VMSPLICE)
		return p->vmsplice.kernel_segs || p->vmsplice.overlong_segs || p->vmsplice.vdso_segs ||
		       p->vmsplice.facts;
	return p->xfer.facts != 0;
}

/*
 * sw_exit completes the calling thread's pending record of the given kind
 * and entry (compat: SW_HDR_COMPAT for the 32-bit one) and sends it with
 * one bpf_ringbuf_output. A record of another kind or entry is stale (its
 * exit was missed) and is dropped. The reader is woken at once
 * for a suspicious record, and otherwise once per sw_wakeup_bytes sent by
 * this CPU (sw_wake_flag).
 */
static __always_inline int sw_exit(__u32 kind, __s64 ret, __u32 compat)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sw_task *t = sw_task_get(task, 0);
	union sw_pending *p;
	int urgent;
	__u64 size;

	if (!t)
		return 0;
	p = &t->p;
	if (p->h.kind != kind || (p->h.flags & SW_HDR_COMPAT) != compat) {
		p->h.kind = 0;
		return 0;
	}
	p->h.ret = ret;
	p->h.ts_exit = bpf_ktime_get_ns();
	if (kind == SW_KIND_VMSPLICE) {
		sw_recheck_iov(&p->vmsplice, compat);
		sw_race_track(t, task);
	} else {
		sw_dirty_pipe(&p->xfer);
	}
	urgent = sw_suspicious(p);
	if (kind == SW_KIND_VMSPLICE && !urgent && sw_excluded(t, task)) {
		sw_count(SW_STAT_FILTERED);
		p->h.kind = 0;
		return 0;
	}
	size = sw_record_size(p);
	if (size > sizeof(*p))
		size = sizeof(*p);
	if (bpf_ringbuf_output(&sw_events, p, size, sw_wake_flag(size, urgent)))
		sw_count(SW_STAT_RINGBUF_FULL);
	p->h.kind = 0; /* consumed */
	return 0;
}

#endif /* SW_RECORD_H */
