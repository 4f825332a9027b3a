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
	SW_KIND_PAGE_RACE = 5, /* synthetic: memory of a vmsplice changed while a pipe held it */
	SW_KIND_PROC_EXEC = 6, /* a process executed a new program */
	SW_KIND_PROC_EXIT = 7, /* a thread group ended */
};

/* What happened to vmspliced memory (sw_page_race.race). */
enum sw_race {
	SW_RACE_MUNMAP = 1,
	SW_RACE_MADVISE = 2,
	SW_RACE_MREMAP = 3,
	SW_RACE_FORK = 4,
};

/* Indexes of the per-CPU loss counters. */
enum sw_stat {
	SW_STAT_RINGBUF_FULL = 0, /* bpf_ringbuf_output failed: event lost */
	SW_STAT_PENDING_FULL = 1, /* enter stash full: event lost */
	SW_STAT_FILTERED = 2,     /* dropped on purpose by the configured filters */
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
	__u32 flags;      /* SW_HDR_* */
	__u32 pad;
	char comm[SW_COMM_LEN];
};

/* Bits of sw_header.flags. */
#define SW_HDR_COMPAT 0x1 /* made through the 32-bit (ia32) system call entry */
#define SW_HDR_COMPAT_FROM64 0x2 /* ... by a 64-bit process (its address space reaches past 4 GiB) */

enum sw_fd_type {
	SW_FD_UNKNOWN = 0, /* not open, or not resolvable */
	SW_FD_PIPE = 1,    /* pipe or FIFO */
	SW_FD_FILE = 2,    /* regular file */
	SW_FD_SOCKET = 3,
	SW_FD_CHR = 4,
	SW_FD_BLK = 5,
	SW_FD_OTHER = 6,   /* directory, symlink, anon inode, ... */
};

#define SW_PATH_LEN 256 /* a path's buffer; paths keep their last SW_PATH_LEN - 1 bytes */

/* What a file descriptor referred to at the call, read from the kernel. */
struct sw_fd {
	__u64 ino;
	__s64 size;
	__u32 type;      /* enum sw_fd_type */
	__u32 dev;       /* superblock device */
	__u32 rdev;      /* device number of a char/block device */
	__u32 mode;      /* inode mode: type and permission bits */
	__u32 uid;       /* inode owner */
	__u32 gid;
	__u32 f_flags;   /* open flags (O_*) */
	__u32 f_mode;    /* FMODE_READ 0x1, FMODE_WRITE 0x2, ... */
	/* pipes only, read at entry; buf_flags at exit */
	__u32 pipe_head;
	__u32 pipe_tail;
	__u32 pipe_ring_size;
	__u32 pipe_readers;
	__u32 pipe_writers;
	__u32 pipe_buf_flags; /* flags of the newest buffer after the call */
	__u32 generation;     /* inode generation: tells a reused inode number apart */
	__u32 pad;
};

/* Bits of sw_xfer.facts and sw_vmsplice.facts: suspicious facts computed in
 * the kernel. An event with any of them is never filtered or throttled. */
#define SW_FACT_DIRTY_PIPE_MERGE 0x1  /* a buffer filled from a file has CAN_MERGE */
#define SW_FACT_DIRTY_PIPE_SHAPE 0x2  /* unwritable file, wrapped pipe, tiny, unaligned */
#define SW_FACT_IOV_CHANGED 0x4       /* the iovec array changed during the call */

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
	__u64 vdso_start;          /* the task's [vvar]..[vdso] range */
	__u64 vdso_end;
	__u32 vdso_segs;           /* segments inside [vdso], [vvar] or the vsyscall page */
	__s32 vdso_first;
	__u64 vdso_first_base;
	__u32 facts;               /* SW_FACT_* */
	__s32 iov_changed_first;   /* first segment that changed, -1 if none or past SW_IOV_COPY */
	__u64 iov_hash;            /* hash of every scanned segment at entry */
	__u64 range_start;         /* lowest and highest user address the segments cover */
	__u64 range_end;
	__u64 kpipe;               /* kernel pointer to the pipe, cleared before sending */
	struct sw_fd fd_info;
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
	__u32 facts;     /* SW_FACT_* */
	__u16 path_in_len;  /* paths[0, path_in_len) is the input's path */
	__u16 path_out_len; /* the output's path follows it */
	__u64 out_pipe;  /* kernel pointer, used at exit and cleared before sending */
	struct sw_fd in;
	struct sw_fd out;
	/* Paths of files and devices, without NUL; the record ends after the
	 * output's path. Each is at most SW_PATH_LEN - 1 bytes. */
	char paths[2 * SW_PATH_LEN];
};

/* A vmsplice'd range of a process that the pipe still held when the
 * process unmapped, discarded or moved memory overlapping it, or forked. */
struct sw_page_race {
	struct sw_header h;
	__u32 race;         /* enum sw_race */
	__u32 advice;       /* madvise advice */
	__u64 addr;         /* the memory call's range (0, 0 for fork) */
	__u64 len;
	__u64 overlap_start;
	__u64 overlap_end;
	__u64 since_ns;     /* time since the vmsplice */
	__u64 vs_start;     /* the vmspliced range */
	__u64 vs_end;
	__u32 pipe_bufs;    /* buffers the pipe held: head - tail */
	__u32 pad;
};

/* Process lifecycle, feeding user space's process table. */
struct sw_proc {
	struct sw_header h;
	__s32 exit_code;  /* process_exit: the wait status */
	__u32 old_pid;    /* process_exec: the pid before a multithreaded exec */
	char filename[SW_PATH_LEN]; /* process_exec: the executed file, as passed to execve */
};

#endif /* SW_EVENT_H */
