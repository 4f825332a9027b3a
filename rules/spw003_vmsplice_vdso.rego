# SPW-003: vmsplice of vDSO, vvar or vsyscall pages.
package splicewatch.rules.spw003

import data.splicewatch.lib

metadata := {
	"id": "SPW-003",
	"name": "vmsplice of vDSO, vvar or vsyscall pages",
	"severity": "high",
	"description": concat(" ", [
		"A vmsplice iovec segment points into the task's [vvar]/[vdso] mapping (or the",
		"legacy vsyscall page, when SPW-001 does not already report it as a kernel",
		"address). These pages are shared with the kernel; placing them in",
		"a pipe is the first step of the CVE-2024-26808 technique, which then abuses",
		"PIPE_BUF_FLAG_CAN_MERGE. Programs have no reason to splice them.",
	]),
	"tags": ["vmsplice", "vdso", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"vmsplice"}

findings contains f if {
	input.args.vdso_segs > 0
	not vsyscall_only(input.args)
	not lib.exempt(input, "spw003")
	base := object.get(input.args, "vdso_first_base", 0)
	f := {
		"vdso_segs": input.args.vdso_segs,
		"segment": object.get(input.args, "vdso_first", -1),
		"base": base,
		"region": region(base, input.args),
		"vdso_start": object.get(input.args, "vdso_start", 0),
		"vdso_end": object.get(input.args, "vdso_end", 0),
		"pipe_end": object.get(input.args, ["fd_info", "pipe", "end"], ""),
		"ret": input.ret,
	}
}

# vsyscall_only holds when the vDSO-class segments may all be the vsyscall
# page: a kernel address, which SPW-001 reports (critical), as SPW-002
# leaves kernel bases to it.
vsyscall_only(args) if {
	region(args.vdso_first_base, args) == "vsyscall"
	args.vdso_segs <= object.get(args, "kernel_segs", 0)
}

# region names the mapping a segment base lies in.
region(base, args) := "vsyscall" if {
	base >= lib.vsyscall_page
	base < lib.vsyscall_page + 4096
} else := "vdso" if {
	base >= args.vdso_start
	base < args.vdso_end
} else := "unknown"
