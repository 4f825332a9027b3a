// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tracepoint attach mode: syscalls/sys_enter_* and sys_exit_* for vmsplice,
 * splice, tee and sendfile64. Works on every kernel with syscall
 * tracepoints, including those without kprobes or fentry.
 */
#include "sw_record.h"

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
	return sw_vmsplice_enter((int)ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_splice")
int sw_tp_enter_splice(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_SPLICE, (int)ctx->args[0], ctx->args[1], (int)ctx->args[2],
			     ctx->args[3], ctx->args[4], (__u32)ctx->args[5]);
}

SEC("tracepoint/syscalls/sys_enter_tee")
int sw_tp_enter_tee(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_TEE, (int)ctx->args[0], 0, (int)ctx->args[1], 0, ctx->args[2],
			     (__u32)ctx->args[3]);
}

/* sendfile(out_fd, in_fd, offset, count): stored as fd_in = in_fd. */
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int sw_tp_enter_sendfile(struct sw_sys_enter *ctx)
{
	return sw_xfer_enter(SW_KIND_SENDFILE, (int)ctx->args[1], ctx->args[2], (int)ctx->args[0], 0,
			     ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_exit_vmsplice")
int sw_tp_exit_vmsplice(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_splice")
int sw_tp_exit_splice(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_SPLICE, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tee")
int sw_tp_exit_tee(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_TEE, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int sw_tp_exit_sendfile(struct sw_sys_exit *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Keep the enums in BTF so bpf2go can generate their Go constants. */
const enum sw_kind *sw_unused_kind __attribute__((unused));
const enum sw_stat *sw_unused_stat __attribute__((unused));
const enum sw_fd_type *sw_unused_fd_type __attribute__((unused));
