package splicewatch.rules.spw005_test

import data.splicewatch.rules.spw005

# The public exploit's splice, on a patched kernel: no CAN_MERGE, but the
# shape is there.
splice := {
	"name": "splice",
	"process": {"pid": 4242, "tid": 4242, "uid": 65534, "comm": "exploit", "exe": "/tmp/dp"},
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
			"buf_flags": 0, "buf_flag_names": [],
		}},
		"off_out": 0, "len": 1, "flags": 0, "flag_names": [],
		"dirty_pipe_merge": false, "dirty_pipe_shape": true,
	},
	"ret": 1,
}

test_shape_found if {
	spw005.findings == {{
		"path": "/etc/passwd", "ino": 1234, "file_uid": 0, "perm": "0644", "access": "r",
		"offset": 1, "len": 1, "pipe_head": 17, "pipe_ring_size": 16, "ret": 1,
	}} with input as splice
}

# A page-sized copy of the file into a fresh pipe: an ordinary reader.
test_ordinary_copy_not_found if {
	ev := json.patch(splice, [
		{"op": "replace", "path": "/args/dirty_pipe_shape", "value": false},
		{"op": "replace", "path": "/args/len", "value": 65536},
		{"op": "replace", "path": "/args/off_in_value", "value": 0},
	])
	count(spw005.findings) == 0 with input as ev
}

test_allowed_comm_not_found if {
	count(spw005.findings) == 0 with input as splice
		with data.splicewatch.config as {"spw005_allowed_comms": ["exploit"]}
}

test_other_exe_still_found if {
	count(spw005.findings) == 1 with input as splice
		with data.splicewatch.config as {"spw005_allowed_exes": ["/usr/bin/*"]}
}
