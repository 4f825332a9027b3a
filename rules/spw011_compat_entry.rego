# SPW-011: a 64-bit process takes the 32-bit system call entry.
package splicewatch.rules.spw011

import data.splicewatch.lib

metadata := {
	"id": "SPW-011",
	"name": "zero-copy call through the 32-bit entry from a 64-bit process",
	"severity": "high",
	"description": concat(" ", [
		"A 64-bit program made vmsplice, splice, tee or sendfile through the 32-bit",
		"system call entry (int $0x80). A 64-bit program has no need of it; taking it",
		"walks around sensors and seccomp filters that only watch the 64-bit entry, and",
		"exploit code does it for that reason. 32-bit programs (compat_from_64bit false)",
		"are not reported.",
	]),
	"tags": ["vmsplice", "splice", "tee", "sendfile", "compat", "evasion"],
	"mitre": ["T1562.001"],
	"version": "1.0.0",
}

events := {"vmsplice", "splice", "tee", "sendfile"}

findings contains f if {
	input.args.compat_from_64bit == true
	not lib.exempt(input, "spw011")
	f := {
		"syscall": input.name,
		"exe": object.get(input.process, "exe", ""),
		"ret": input.ret,
	}
}
