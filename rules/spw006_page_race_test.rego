package splicewatch.rules.spw006_test

import data.splicewatch.rules.spw006

# Two vmspliced pages unmapped before the pipe was read.
munmap := {
	"name": "page_race",
	"process": {"pid": 4242, "tid": 4242, "comm": "cow"},
	"args": {
		"kind": "munmap", "addr": 139637976440832, "len": 8192,
		"overlap_start": 139637976440832, "overlap_end": 139637976449024, "overlap_len": 8192,
		"since_ns": 52000, "vmsplice_start": 139637976440832, "vmsplice_end": 139637976449024,
		"pipe_bufs": 2,
	},
	"ret": 0,
}

test_munmap_found if {
	spw006.findings == {{
		"kind": "munmap", "addr": 139637976440832, "len": 8192,
		"overlap_start": 139637976440832, "overlap_end": 139637976449024, "overlap_len": 8192,
		"since_ns": 52000, "vmsplice_start": 139637976440832, "vmsplice_end": 139637976449024,
		"pipe_bufs": 2,
	}} with input as munmap
}

test_madvise_found if {
	ev := json.patch(munmap, [
		{"op": "replace", "path": "/args/kind", "value": "madvise"},
		{"op": "add", "path": "/args/advice", "value": 4},
	])
	some f in spw006.findings with input as ev
	f.kind == "madvise"
	f.advice == 4
}

# A fork has no address range of its own.
test_fork_found if {
	ev := json.patch(munmap, [
		{"op": "replace", "path": "/args/kind", "value": "fork"},
		{"op": "remove", "path": "/args/addr"},
		{"op": "remove", "path": "/args/len"},
	])
	some f in spw006.findings with input as ev
	f.kind == "fork"
	not f.addr
}

test_unknown_kind_not_found if {
	count(spw006.findings) == 0 with input as json.patch(munmap, [{"op": "replace", "path": "/args/kind", "value": "exit"}])
}

test_allowed_comm_not_found if {
	count(spw006.findings) == 0 with input as munmap
		with data.splicewatch.config as {"spw006_allowed_comms": ["cow"]}
}
