# SPW-005: Dirty Pipe, behavioural.
package splicewatch.rules.spw005

import data.splicewatch.lib

metadata := {
	"id": "SPW-005",
	"name": "Dirty Pipe-shaped splice of a read-only file",
	"severity": "high",
	"description": concat(" ", [
		"splice moved a few bytes (less than a page, from an offset not on a page",
		"boundary) of a file the caller cannot write into a pipe whose ring has already",
		"wrapped: the syscall sequence of the public Dirty Pipe exploit (CVE-2022-0847),",
		"which fills and drains the pipe first. It fires on any kernel, patched or not;",
		"SPW-004 confirms a vulnerable one.",
	]),
	"tags": ["splice", "pipe", "dirty-pipe", "CVE-2022-0847", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"splice"}

findings contains f if {
	input.args.dirty_pipe_shape == true
	not lib.exempt(input, "spw005")
	file := object.get(input.args, "fd_in_info", {})
	pipe := object.get(input.args, ["fd_out_info", "pipe"], {})
	f := {
		"path": object.get(file, "path", ""),
		"ino": object.get(file, "ino", 0),
		"file_uid": object.get(file, "uid", -1),
		"perm": object.get(file, "perm", ""),
		"access": object.get(file, "access", ""),
		"offset": object.get(input.args, "off_in_value", -1),
		"len": object.get(input.args, "len", 0),
		"pipe_head": object.get(pipe, "head", 0),
		"pipe_ring_size": object.get(pipe, "ring_size", 0),
		"ret": input.ret,
	}
}
