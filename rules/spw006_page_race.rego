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

# evidence are the page_race arguments a finding carries, when present:
# addr and len are absent for a fork, advice is there for madvise only.
evidence := {
	"kind", "addr", "len", "advice", "overlap_start", "overlap_end", "overlap_len",
	"since_ns", "vmsplice_start", "vmsplice_end", "pipe_bufs",
}

findings contains f if {
	input.args.kind in {"munmap", "madvise", "mremap", "fork"}
	not lib.exempt(input, "spw006")
	f := {k: v | some k in evidence; v := input.args[k]}
}
