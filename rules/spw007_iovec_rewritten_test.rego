package splicewatch.rules.spw007_test

import data.splicewatch.rules.spw007

rewritten := {
	"name": "vmsplice",
	"process": {"pid": 4242, "tid": 4243, "comm": "racer"},
	"args": {
		"fd": 4, "iov_addr": 824634474496, "nr_segs": 1, "flags": 0, "flag_names": [],
		"iov": [{"base": 824634507264, "len": 4096}],
		"user_limit": 140737488351232, "kernel_segs": 0, "kernel_first": -1,
		"vdso_segs": 0, "vdso_first": -1,
		"iov_changed": true, "iov_changed_first": 0,
		"overlong_segs": 0, "overlong_first": -1,
	},
	"ret": 4096,
}

test_rewritten_found if {
	spw007.findings == {{
		"segment": 0, "iov_addr": 824634474496, "nr_segs": 1,
		"entry_segment": {"base": 824634507264, "len": 4096}, "ret": 4096,
	}} with input as rewritten
}

# A change past the 16 captured segments has no index.
test_change_beyond_capture_found if {
	ev := json.patch(rewritten, [{"op": "replace", "path": "/args/iov_changed_first", "value": -1}])
	some f in spw007.findings with input as ev
	f.segment == -1
	f.entry_segment == null
}

test_unchanged_not_found if {
	ev := json.patch(rewritten, [
		{"op": "replace", "path": "/args/iov_changed", "value": false},
		{"op": "replace", "path": "/args/iov_changed_first", "value": -1},
	])
	count(spw007.findings) == 0 with input as ev
}
