# SPW-006: vmspliced pages unmapped, discarded, moved or forked while a
# pipe holds them.
package splicewatch.rules.spw006

import data.splicewatch.lib

metadata := {
	"id": "SPW-006",
	"name": "page race on vmspliced memory",
	"severity": "high",
	"description": concat(" ", [
		"Memory a process vmspliced into a pipe was unmapped (munmap), discarded",
		"(madvise DONTNEED/FREE/REMOVE), moved (mremap), or the process forked, while the",
		"pipe still held the pages. This is the page race of CVE-2020-29374 (vmsplice and",
		"copy-on-write): the reader of the pipe sees memory the process no longer owns,",
		"or the parent's writes after a fork.",
	]),
	"tags": ["vmsplice", "page-race", "CVE-2020-29374", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"page_race"}

findings contains f if {
	input.args.kind in {"munmap", "madvise", "mremap", "fork"}
	not lib.exempt(input, "spw006")
	f := object.union(
		{
			"kind": input.args.kind,
			"overlap_start": input.args.overlap_start,
			"overlap_end": input.args.overlap_end,
			"overlap_len": input.args.overlap_len,
			"since_ns": input.args.since_ns,
			"vmsplice_start": input.args.vmsplice_start,
			"vmsplice_end": input.args.vmsplice_end,
			"pipe_bufs": input.args.pipe_bufs,
		},
		{k: v | some k in {"addr", "len", "advice"}; v := input.args[k]},
	)
}
