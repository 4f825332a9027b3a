// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kprobe attach mode: a kprobe and a kretprobe on each syscall's entry
 * function. The x86_64 wrappers __x64_sys_X(const struct pt_regs *regs)
 * receive the user registers; the syscall arguments are read from them.
 * 32-bit calls (int $0x80) go through the __ia32_sys_X wrappers instead,
 * hooked here too (see sw_compat.h).
 */
#include <bpf/bpf_core_read.h>

#include "sw_record.h"
#include "sw_compat.h"

/* The user registers the wrapper was called with. */
static __always_inline struct pt_regs *sw_kp_regs(struct pt_regs *ctx)
{
	return (struct pt_regs *)ctx->di;
}

#define SW_ARG(regs, reg) BPF_CORE_READ(regs, reg)

SEC("kprobe/__x64_sys_vmsplice")
int sw_kp_enter_vmsplice(struct pt_regs *ctx)
{
	struct pt_regs *regs = sw_kp_regs(ctx);
	return sw_vmsplice_enter((int)SW_ARG(regs, di), SW_ARG(regs, si), SW_ARG(regs, dx), SW_ARG(regs, r10), 0);
}

SEC("kprobe/__x64_sys_splice")
int sw_kp_enter_splice(struct pt_regs *ctx)
{
	struct pt_regs *regs = sw_kp_regs(ctx);
	return sw_xfer_enter(SW_KIND_SPLICE, (int)SW_ARG(regs, di), SW_ARG(regs, si), (int)SW_ARG(regs, dx),
			     SW_ARG(regs, r10), SW_ARG(regs, r8), (__u32)SW_ARG(regs, r9), 0);
}

SEC("kprobe/__x64_sys_tee")
int sw_kp_enter_tee(struct pt_regs *ctx)
{
	struct pt_regs *regs = sw_kp_regs(ctx);
	return sw_xfer_enter(SW_KIND_TEE, (int)SW_ARG(regs, di), 0, (int)SW_ARG(regs, si), 0, SW_ARG(regs, dx),
			     (__u32)SW_ARG(regs, r10), 0);
}

SEC("kprobe/__x64_sys_sendfile64")
int sw_kp_enter_sendfile(struct pt_regs *ctx)
{
	struct pt_regs *regs = sw_kp_regs(ctx);
	return sw_xfer_enter(SW_KIND_SENDFILE, (int)SW_ARG(regs, si), SW_ARG(regs, dx), (int)SW_ARG(regs, di), 0,
			     SW_ARG(regs, r10), 0, 0);
}

SEC("kretprobe/__x64_sys_vmsplice")
int sw_kp_exit_vmsplice(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, ctx->ax, 0);
}

SEC("kretprobe/__x64_sys_splice")
int sw_kp_exit_splice(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SPLICE, ctx->ax, 0);
}

SEC("kretprobe/__x64_sys_tee")
int sw_kp_exit_tee(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_TEE, ctx->ax, 0);
}

SEC("kretprobe/__x64_sys_sendfile64")
int sw_kp_exit_sendfile(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ax, 0);
}

/* ia32 wrappers: the same registers, the 32-bit argument order. */
#define SW_KP_IA32(nr, regs)                                                                               \
	sw_ia32_enter(nr, SW_ARG(regs, bx), SW_ARG(regs, cx), SW_ARG(regs, dx), SW_ARG(regs, si),            \
		      SW_ARG(regs, di), SW_ARG(regs, bp))

SEC("kprobe/__ia32_sys_vmsplice")
int sw_kp_enter_ia32vmsplice(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_VMSPLICE, sw_kp_regs(ctx));
}

SEC("kprobe/__ia32_sys_splice")
int sw_kp_enter_ia32splice(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_SPLICE, sw_kp_regs(ctx));
}

SEC("kprobe/__ia32_sys_tee")
int sw_kp_enter_ia32tee(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_TEE, sw_kp_regs(ctx));
}

SEC("kprobe/__ia32_sys_sendfile64")
int sw_kp_enter_ia32sendfile64(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_SENDFILE64, sw_kp_regs(ctx));
}

SEC("kprobe/__ia32_compat_sys_sendfile")
int sw_kp_enter_ia32compatsendfile(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_SENDFILE, sw_kp_regs(ctx));
}

SEC("kprobe/__ia32_compat_sys_sendfile64")
int sw_kp_enter_ia32compatsendfile64(struct pt_regs *ctx)
{
	return SW_KP_IA32(SW_IA32_SENDFILE64, sw_kp_regs(ctx));
}

SEC("kretprobe/__ia32_sys_vmsplice")
int sw_kp_exit_ia32vmsplice(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, ctx->ax, SW_HDR_COMPAT);
}

SEC("kretprobe/__ia32_sys_splice")
int sw_kp_exit_ia32splice(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SPLICE, ctx->ax, SW_HDR_COMPAT);
}

SEC("kretprobe/__ia32_sys_tee")
int sw_kp_exit_ia32tee(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_TEE, ctx->ax, SW_HDR_COMPAT);
}

SEC("kretprobe/__ia32_sys_sendfile64")
int sw_kp_exit_ia32sendfile64(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ax, SW_HDR_COMPAT);
}

SEC("kretprobe/__ia32_compat_sys_sendfile")
int sw_kp_exit_ia32compatsendfile(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ax, SW_HDR_COMPAT);
}

SEC("kretprobe/__ia32_compat_sys_sendfile64")
int sw_kp_exit_ia32compatsendfile64(struct pt_regs *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, ctx->ax, SW_HDR_COMPAT);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
