/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * 32-bit (ia32) system calls. Any x86_64 process may make them with
 * `int $0x80` when the kernel has ia32 emulation, so a sensor that watched
 * only the 64-bit entry could be walked around. The syscall tracepoints
 * skip these calls; the kprobe and fentry modes hook the __ia32_sys_*
 * wrappers, the tracepoint mode the raw sys_enter/sys_exit tracepoints
 * (see syscalls.c). Arguments arrive in bx, cx, dx, si, di, bp, each 32
 * bits wide.
 */
#ifndef SW_COMPAT_H
#define SW_COMPAT_H

#include "sw_record.h"

/* ia32 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define SW_IA32_SENDFILE 187   /* compat_sys_sendfile: 32-bit offset */
#define SW_IA32_SENDFILE64 239 /* sys_sendfile64 (or compat_sys_sendfile64): 64-bit offset */
#define SW_IA32_SPLICE 313
#define SW_IA32_TEE 315
#define SW_IA32_VMSPLICE 316

#define SW_TS_COMPAT 0x0002 /* thread_info.status: in a 32-bit system call */

/* sw_ia32_kind returns the record kind of ia32 system call nr, or 0. */
static __always_inline __u32 sw_ia32_kind(long nr)
{
	switch (nr) {
	case SW_IA32_VMSPLICE:
		return SW_KIND_VMSPLICE;
	case SW_IA32_SPLICE:
		return SW_KIND_SPLICE;
	case SW_IA32_TEE:
		return SW_KIND_TEE;
	case SW_IA32_SENDFILE:
	case SW_IA32_SENDFILE64:
		return SW_KIND_SENDFILE;
	}
	return 0;
}

/* sw_ia32_enter records ia32 system call nr with arguments a1..a6, as the
 * 32-bit ABI defines them: an fd is an int, a pointer or size is zero
 * extended. The transfers share one sw_xfer_enter with their arguments
 * picked beforehand: for an nr known only at run time (the raw sys_enter
 * tracepoint), four inlined copies of it would exceed what the verifier
 * accepts in one program. A constant nr (the wrappers' hooks) folds the
 * switch away. */
static __always_inline int sw_ia32_enter(long nr, __u32 a1, __u32 a2, __u32 a3, __u32 a4, __u32 a5, __u32 a6)
{
	__u32 kind = SW_KIND_SPLICE, hflags = SW_HDR_COMPAT, flags = a6;
	__s64 fd_in = (int)a1, fd_out = (int)a3;
	__u64 off_in = a2, off_out = a4, len = a5;

	switch (nr) {
	case SW_IA32_VMSPLICE:
		return sw_vmsplice_enter((int)a1, a2, a3, a4, SW_HDR_COMPAT);
	case SW_IA32_SPLICE:
		break;
	case SW_IA32_TEE:
		kind = SW_KIND_TEE;
		off_in = off_out = 0;
		fd_out = (int)a2;
		len = a3;
		flags = a4;
		break;
	case SW_IA32_SENDFILE:
		hflags |= SW_ENTER_OFF32;
		/* fallthrough */
	case SW_IA32_SENDFILE64:
		kind = SW_KIND_SENDFILE;
		fd_in = (int)a2;
		fd_out = (int)a1;
		off_in = a3;
		off_out = 0;
		len = a4;
		flags = 0;
		break;
	default:
		return 0;
	}
	return sw_xfer_enter(kind, fd_in, off_in, fd_out, off_out, len, flags, hflags);
}

#endif /* SW_COMPAT_H */
