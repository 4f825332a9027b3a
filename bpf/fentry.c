// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fentry attach mode: fentry and fexit programs on each syscall's entry
 * function, the cheapest hooks the kernel offers. The wrapper's only
 * argument is the user register file, a BTF pointer read directly; fexit
 * also receives the return value.
 */
#include "sw_record.h"
#include "sw_compat.h"

/* ctx[0] is the wrapper's argument; fexit's ctx[1] is its return value. */
#define SW_REGS(ctx) ((struct pt_regs *)(ctx)[0])

SEC("fentry/__x64_sys_vmsplice")
int sw_fe_enter_vmsplice(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_vmsplice_enter((int)regs->di, regs->si, regs->dx, regs->r10, 0);
}

SEC("fentry/__x64_sys_splice")
int sw_fe_enter_splice(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_SPLICE, (int)regs->di, regs->si, (int)regs->dx, regs->r10, regs->r8,
			     (__u32)regs->r9, 0);
}

SEC("fentry/__x64_sys_tee")
int sw_fe_enter_tee(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_TEE, (int)regs->di, 0, (int)regs->si, 0, regs->dx, (__u32)regs->r10, 0);
}

SEC("fentry/__x64_sys_sendfile64")
int sw_fe_enter_sendfile(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_SENDFILE, (int)regs->si, regs->dx, (int)regs->di, 0, regs->r10, 0, 0);
}

SEC("fexit/__x64_sys_vmsplice")
int sw_fe_exit_vmsplice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, (long)ctx[1], 0);
}

SEC("fexit/__x64_sys_splice")
int sw_fe_exit_splice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SPLICE, (long)ctx[1], 0);
}

SEC("fexit/__x64_sys_tee")
int sw_fe_exit_tee(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_TEE, (long)ctx[1], 0);
}

SEC("fexit/__x64_sys_sendfile64")
int sw_fe_exit_sendfile(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, (long)ctx[1], 0);
}

/* ia32 wrappers (32-bit calls, see sw_compat.h). */
#define SW_FE_IA32(nr, ctx)                                                                                 \
	({                                                                                                 \
		struct pt_regs *regs = SW_REGS(ctx);                                                       \
		sw_ia32_enter(nr, regs->bx, regs->cx, regs->dx, regs->si, regs->di, regs->bp);             \
	})

SEC("fentry/__ia32_sys_vmsplice")
int sw_fe_enter_ia32vmsplice(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_VMSPLICE, ctx);
}

SEC("fentry/__ia32_sys_splice")
int sw_fe_enter_ia32splice(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_SPLICE, ctx);
}

SEC("fentry/__ia32_sys_tee")
int sw_fe_enter_ia32tee(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_TEE, ctx);
}

SEC("fentry/__ia32_sys_sendfile64")
int sw_fe_enter_ia32sendfile64(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_SENDFILE64, ctx);
}

SEC("fentry/__ia32_compat_sys_sendfile")
int sw_fe_enter_ia32compatsendfile(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_SENDFILE, ctx);
}

SEC("fentry/__ia32_compat_sys_sendfile64")
int sw_fe_enter_ia32compatsendfile64(unsigned long long *ctx)
{
	return SW_FE_IA32(SW_IA32_SENDFILE64, ctx);
}

SEC("fexit/__ia32_sys_vmsplice")
int sw_fe_exit_ia32vmsplice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, (long)ctx[1], SW_HDR_COMPAT);
}

SEC("fexit/__ia32_sys_splice")
int sw_fe_exit_ia32splice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SPLICE, (long)ctx[1], SW_HDR_COMPAT);
}

SEC("fexit/__ia32_sys_tee")
int sw_fe_exit_ia32tee(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_TEE, (long)ctx[1], SW_HDR_COMPAT);
}

SEC("fexit/__ia32_sys_sendfile64")
int sw_fe_exit_ia32sendfile64(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, (long)ctx[1], SW_HDR_COMPAT);
}

SEC("fexit/__ia32_compat_sys_sendfile")
int sw_fe_exit_ia32compatsendfile(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, (long)ctx[1], SW_HDR_COMPAT);
}

SEC("fexit/__ia32_compat_sys_sendfile64")
int sw_fe_exit_ia32compatsendfile64(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, (long)ctx[1], SW_HDR_COMPAT);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
