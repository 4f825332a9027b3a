# SPW-010: vmsplice into a pipe that has no reader.
package splicewatch.rules.spw010

import data.splicewatch.lib

metadata := {
	"id": "SPW-010",
	"name": "vmsplice into a pipe with no reader",
	"severity": "medium",
	"description": concat(" ", [
		"vmsplice failed with EPIPE: the pipe's read end was already closed. This is the",
		"trace of the 2008 page-array vmsplice exploit, which splices an absurd iovec into",
		"a reader-less pipe. A pipeline whose reader exits early (uutils `yes | head`) does",
		"it too: list such programs in the spw010_allowed_comms setting.",
	]),
	"tags": ["vmsplice", "pipe", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"vmsplice"}

findings contains f if {
	input.ret == lib.errno.EPIPE
	not input.process.comm in lib.setting("spw010_allowed_comms", [])
	f := {
		"fd": input.args.fd,
		"nr_segs": object.get(input.args, "nr_segs", 0),
		"flag_names": object.get(input.args, "flag_names", []),
		"ret": input.ret,
	}
}
