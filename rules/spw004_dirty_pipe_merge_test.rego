package splicewatch.rules.spw004_test

import data.splicewatch.rules.spw004

# One byte spliced from offset 1 of a root-owned file into a drained pipe,
# on a vulnerable kernel: the new buffer kept CAN_MERGE.
splice := {
	"name": "splice",
	"process": {"pid": 4242, "tid": 4242, "uid": 65534, "comm": "exploit"},
	"args": {
		"fd_in": 3,
		"fd_in_info": {
			"type": "file", "ino": 1234, "uid": 0, "perm": "0644", "access": "r",
			"can_write": false, "size": 10000, "path": "/etc/passwd",
		},
		"off_in": 140737000000000, "off_in_value": 1,
		"fd_out": 5,
		"fd_out_info": {"type": "pipe", "pipe": {
			"end": "write", "head": 17, "tail": 16, "ring_size": 16, "wrapped": true,
			"buf_flags": 16, "buf_flag_names": ["CAN_MERGE"],
		}},
		"off_out": 0, "len": 1, "flags": 0, "flag_names": [],
		"dirty_pipe_merge": true, "dirty_pipe_shape": true,
	},
	"ret": 1,
}

test_merge_found if {
	spw004.findings == {{
		"path": "/etc/passwd", "ino": 1234, "file_uid": 0, "perm": "0644", "can_write": false,
		"offset": 1, "len": 1, "buf_flags": 16, "buf_flag_names": ["CAN_MERGE"], "ret": 1,
	}} with input as splice
}

# A patched kernel clears the flag: the shape alone is SPW-005's.
test_patched_kernel_not_found if {
	ev := json.patch(splice, [
		{"op": "replace", "path": "/args/dirty_pipe_merge", "value": false},
		{"op": "replace", "path": "/args/fd_out_info/pipe/buf_flags", "value": 0},
	])
	count(spw004.findings) == 0 with input as ev
}

test_event_without_facts_not_found if {
	count(spw004.findings) == 0 with input as json.remove(splice, ["/args/dirty_pipe_merge"])
}
