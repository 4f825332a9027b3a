/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Records sent from the kernel to user space through the ring buffer.
 *
 * This file is the source of truth for the record layout: the Go types are
 * generated from it by bpf2go (sensor/tracepoint_x86_bpfel.go and friends).
 * Every record starts with struct sw_header, whose kind field selects the
 * decoder. Records are fixed size per kind, except that a vmsplice record
 * ends after its last copied iovec segment.
 */
#ifndef SW_EVENT_H
#define SW_EVENT_H

#include <linux/types.h>

#define SW_COMM_LEN 16
#define SW_IOV_COPY 16        /* iovec segments copied into the record */
#define SW_IOV_MAX 1024       /* IOV_MAX: segments inspected in the kernel */
#define SW_MAX_RW_COUNT 0x7ffff000ULL /* INT_MAX & PAGE_MASK */

enum sw_kind {
	SW_KIND_VMSPLICE = 1,
	SW_KIND_SPLICE = 2,
	SW_KIND_TEE = 3,
	SW_KIND_SENDFILE = 4,
};

/* Indexes of the per-CPU loss counters. */
enum sw_stat {
	SW_STAT_RINGBUF_FULL = 0, /* bpf_ringbuf_output failed: event lost */
	SW_STAT_PENDING_FULL = 1, /* enter stash full: event lost */
	SW_STAT_MAX = 4,
};

struct sw_header {
	__u64 ts_enter;   /* bpf_ktime_get_ns() at syscall entry */
	__u64 ts_exit;    /* bpf_ktime_get_ns() at syscall exit */
	__u64 cgroup_id;
	__s64 ret;
	__u32 kind;       /* enum sw_kind */
	__u32 pid;        /* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 mnt_ns;
	__u32 pid_ns;
	char comm[SW_COMM_LEN];
};

struct sw_iovec {
	__u64 base;
	__u64 len;
};

struct sw_vmsplice {
	struct sw_header h;
	__s64 fd;
	__u64 uiov;
	__u64 nr_segs;
	__u64 flags;
	__u64 user_limit;          /* the task's user-space limit (mm->task_size) */
	__u64 kernel_first_base;   /* base of the first kernel-space segment */
	__u64 overlong_first_base; /* base and len of the first overlong segment */
	__u64 overlong_first_len;
	__u32 kernel_segs;         /* segments with base >= user_limit */
	__s32 kernel_first;        /* index of the first such segment, or -1 */
	__u32 overlong_segs;       /* segments that wrap/cross the limit or are >= MAX_RW_COUNT */
	__s32 overlong_first;
	__u32 segs_scanned;        /* min(nr_segs, SW_IOV_MAX) when every read succeeded */
	__u32 read_err;            /* 1 when the iovec array could not be read */
	struct sw_iovec iov[SW_IOV_COPY];
};

/* Bits of sw_xfer.valid. */
#define SW_XFER_OFF_IN_VALID 0x1
#define SW_XFER_OFF_OUT_VALID 0x2

/* splice, tee and sendfile. For sendfile, fd_in/fd_out are in_fd/out_fd and
 * off_in is the offset pointer. */
struct sw_xfer {
	struct sw_header h;
	__s64 fd_in;
	__s64 fd_out;
	__u64 off_in;       /* user pointer, 0 when NULL */
	__u64 off_out;
	__s64 off_in_val;   /* *off_in at entry, when SW_XFER_OFF_IN_VALID */
	__s64 off_out_val;
	__u64 len;
	__u32 flags;
	__u32 valid;
};

#endif /* SW_EVENT_H */
