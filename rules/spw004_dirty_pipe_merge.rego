# SPW-004: Dirty Pipe, kernel-confirmed.
package splicewatch.rules.spw004

import data.splicewatch.lib

metadata := {
	"id": "SPW-004",
	"name": "Dirty Pipe: mergeable pipe buffer filled from a file",
	"severity": "critical",
	"description": concat(" ", [
		"splice from a file left PIPE_BUF_FLAG_CAN_MERGE on the pipe buffer it just filled",
		"(the sensor read the flag at syscall exit). The kernel is vulnerable to Dirty Pipe",
		"(CVE-2022-0847): the next write() to this pipe lands in the file's page cache, even",
		"for a file the caller may only read. Only a vulnerable kernel (5.8 up to 5.16.11,",
		"5.15.25, 5.10.102) sets the flag.",
	]),
	"tags": ["splice", "pipe", "dirty-pipe", "CVE-2022-0847", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"splice"}

findings contains f if {
	input.args.dirty_pipe_merge == true
	not lib.exempt(input, "spw004")
	file := object.get(input.args, "fd_in_info", {})
	pipe := object.get(input.args, ["fd_out_info", "pipe"], {})
	f := {
		"path": object.get(file, "path", ""),
		"ino": object.get(file, "ino", 0),
		"file_uid": object.get(file, "uid", -1),
		"perm": object.get(file, "perm", ""),
		"can_write": object.get(file, "can_write", false),
		"offset": object.get(input.args, "off_in_value", -1),
		"len": object.get(input.args, "len", 0),
		"buf_flags": object.get(pipe, "buf_flags", 0),
		"buf_flag_names": object.get(pipe, "buf_flag_names", []),
		"ret": input.ret,
	}
}
