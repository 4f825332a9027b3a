// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fentry attach mode: fentry and fexit programs on each syscall's entry
 * function, the cheapest hooks the kernel offers. The wrapper's only
 * argument is the user register file, a BTF pointer read directly; fexit
 * also receives the return value.
 */
#include "sw_record.h"

/* ctx[0] is the wrapper's argument; fexit's ctx[1] is its return value. */
#define SW_REGS(ctx) ((struct pt_regs *)(ctx)[0])

SEC("fentry/__x64_sys_vmsplice")
int sw_fe_enter_vmsplice(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_vmsplice_enter((int)regs->di, regs->si, regs->dx, regs->r10);
}

SEC("fentry/__x64_sys_splice")
int sw_fe_enter_splice(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_SPLICE, (int)regs->di, regs->si, (int)regs->dx, regs->r10, regs->r8,
			     (__u32)regs->r9);
}

SEC("fentry/__x64_sys_tee")
int sw_fe_enter_tee(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_TEE, (int)regs->di, 0, (int)regs->si, 0, regs->dx, (__u32)regs->r10);
}

SEC("fentry/__x64_sys_sendfile64")
int sw_fe_enter_sendfile(unsigned long long *ctx)
{
	struct pt_regs *regs = SW_REGS(ctx);
	return sw_xfer_enter(SW_KIND_SENDFILE, (int)regs->si, regs->dx, (int)regs->di, 0, regs->r10, 0);
}

SEC("fexit/__x64_sys_vmsplice")
int sw_fe_exit_vmsplice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_VMSPLICE, (long)ctx[1]);
}

SEC("fexit/__x64_sys_splice")
int sw_fe_exit_splice(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SPLICE, (long)ctx[1]);
}

SEC("fexit/__x64_sys_tee")
int sw_fe_exit_tee(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_TEE, (long)ctx[1]);
}

SEC("fexit/__x64_sys_sendfile64")
int sw_fe_exit_sendfile(unsigned long long *ctx)
{
	return sw_exit(SW_KIND_SENDFILE, (long)ctx[1]);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
