// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tracepoint attach mode: syscalls/sys_enter_* and sys_exit_* for vmsplice,
 * splice, tee and sendfile64. Works on every kernel with syscall
 * tracepoints, including those without kprobes or fentry.
 */
#include "sw_record.h"
#include "sw_compat.h"

/* Layout of the syscalls/sys_{enter,exit}_* tracepoint context. */
struct sw_sys_enter {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct sw_sys_exit {
	__u64 common;
	long id;
	long ret;
};

SEC("tracepoint/syscalls/sys_enter_vmsplice")
int sw_tp_enter_vmsplice(struct sw_sys_enter *ctx)
{
	return sw_vmsplice_enter((int)ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_enter_splice")
int sw_tp_enter_splice(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_SPLICE, (int)ctx->args[0], ctx->args[1], (int)ctx->args[2],
			     ctx->args[3], ctx->args[4], (__u32)ctx->args[5], 0);
}

SEC("tracepoint/syscalls/sys_enter_tee")
int sw_tp_enter_tee(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_TEE, (int)ctx->args[0], 0, (int)ctx->args[1], 0, ctx->args[2],
			     (__u32)ctx->args[3], 0);
}

/* sendfile(out_fd, in_fd, offset, count): stored as fd_in = in_fd. */
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int sw_tp_enter_sendfile(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_SENDFILE, (int)ctx->args[1], ctx->args[2], (int)ctx->args[0], 0,
			     ctx->args[3], 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_vmsplice")
int sw_tp_exit_vmsplice(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, ctx->ret, 0);
}

SEC("tracepoint/syscalls/sys_exit_splice")
int sw_tp_exit_splice(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_SPLICE, ctx->ret, 0);
}

SEC("tracepoint/syscalls/sys_exit_tee")
int sw_tp_exit_tee(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_TEE, ctx->ret, 0);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int sw_tp_exit_sendfile(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ret, 0);
}

/*
 * 32-bit calls. The syscall tracepoints above skip them, so they are seen
 * on the raw sys_enter and sys_exit tracepoints, which fire for every
 * system call of every process: these two programs are loaded only when
 * the configuration asks for them (sensor.compat_syscalls), and return
 * after one comparison for any other call.
 */
SEC("tp_btf/sys_enter")
int sw_tp_enter_compat(unsigned long long *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long nr = (long)ctx[1];
	struct task_struct *task;

	if (!sw_ia32_kind(nr))
		return 0;
	task = bpf_get_current_task_btf();
	if (!(task->thread_info.status & SW_TS_COMPAT))
		return 0; /* a 64-bit call that shares the number */
	return sw_ia32_enter(nr, regs->bx, regs->cx, regs->dx, regs->si, regs->di, regs->bp);
}

SEC("tp_btf/sys_exit")
int sw_tp_exit_compat(unsigned long long *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	__u32 kind = sw_ia32_kind(regs->orig_ax);
	struct task_struct *task;

	if (!kind)
		return 0;
	task = bpf_get_current_task_btf();
	if (!(task->thread_info.status & SW_TS_COMPAT))
		return 0;
	return sw_exit(kind, ret, SW_HDR_COMPAT);
}

/*
 * Memory events for the page-race check. They attach to tracepoints in
 * every mode: each costs one map lookup for processes that vmspliced
 * nothing.
 */
#define SW_MADV_FREE 8
#define SW_MADV_REMOVE 9
#define SW_MADV_DONTNEED 4
#define SW_MADV_DONTNEED_LOCKED 24

SEC("tracepoint/syscalls/sys_enter_munmap")
int sw_tp_enter_munmap(struct sw_sys_enter *ctx)
{
	return sw_race_check(SW_RACE_MUNMAP, ctx->args[0], ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_madvise")
int sw_tp_enter_madvise(struct sw_sys_enter *ctx)
{
	__u32 advice = (__u32)ctx->args[2];

	if (advice != SW_MADV_DONTNEED && advice != SW_MADV_FREE && advice != SW_MADV_REMOVE &&
	    advice != SW_MADV_DONTNEED_LOCKED)
		return 0;
	return sw_race_check(SW_RACE_MADVISE, ctx->args[0], ctx->args[1], advice);
}

SEC("tracepoint/syscalls/sys_enter_mremap")
int sw_tp_enter_mremap(struct sw_sys_enter *ctx)
{
	return sw_race_check(SW_RACE_MREMAP, ctx->args[0], ctx->args[1], 0);
}

/* A fork copies the address space: from here on the child's copy-on-write
 * pages and the pipe's pinned pages can disagree. Threads (CLONE_VM) share
 * the address space and are not forks. */
SEC("tp_btf/sched_process_fork")
int sw_tp_enter_fork(unsigned long long *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx[0];
	struct task_struct *child = (struct task_struct *)ctx[1];

	if (parent->mm == child->mm)
		return 0;
	return sw_race_check(SW_RACE_FORK, 0, 0, 0);
}

/* Process lifecycle, for user space's process table: the executable of a
 * short-lived process is known even after it is gone. */
struct sw_sched_exec {
	__u64 common;
	__u32 filename_loc; /* __data_loc: offset in the low 16 bits, length above */
	int pid;
	int old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int sw_tp_enter_exec(struct sw_sched_exec *ctx)
{
	struct sw_proc *e = bpf_ringbuf_reserve(&sw_events, sizeof(*e), 0);
	__u32 off = ctx->filename_loc & 0xffff;

	if (!e) {
		sw_count(SW_STAT_RINGBUF_FULL);
		return 0;
	}
	sw_fill_header(&e->h, SW_KIND_PROC_EXEC, bpf_get_current_task_btf());
	e->h.ts_exit = e->h.ts_enter;
	e->exit_code = 0;
	e->old_pid = ctx->old_pid;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (char *)ctx + off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Only the last thread of a group reports: signal->live has dropped to 0. */
SEC("tp_btf/sched_process_exit")
int sw_tp_enter_exit(unsigned long long *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	struct sw_proc *e;

	if (task->signal->live.counter != 0)
		return 0;
	e = bpf_ringbuf_reserve(&sw_events, sizeof(*e), 0);
	if (!e) {
		sw_count(SW_STAT_RINGBUF_FULL);
		return 0;
	}
	sw_fill_header(&e->h, SW_KIND_PROC_EXIT, bpf_get_current_task_btf());
	e->h.ts_exit = e->h.ts_enter;
	e->exit_code = task->exit_code;
	e->old_pid = 0;
	e->filename[0] = 0;
	/* Only the header and exit code are meaningful. */
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Keep the enums in BTF so bpf2go can generate their Go constants. */
const enum sw_kind *sw_unused_kind __attribute__((unused));
const enum sw_stat *sw_unused_stat __attribute__((unused));
const enum sw_fd_type *sw_unused_fd_type __attribute__((unused));
const enum sw_race *sw_unused_race __attribute__((unused));
const struct sw_page_race *sw_unused_page_race __attribute__((unused));
const struct sw_proc *sw_unused_proc __attribute__((unused));
