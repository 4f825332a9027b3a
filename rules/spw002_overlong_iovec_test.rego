package splicewatch.rules.spw002_test

import data.splicewatch.rules.spw002

# The 2008 page-array exploit: one segment of length ULONG_MAX.
exploit := {
	"name": "vmsplice",
	"process": {"pid": 4242, "tid": 4242, "comm": "exploit"},
	"args": {
		"fd": 4, "nr_segs": 1, "flags": 0, "flag_names": [],
		"iov": [{"base": 4096, "len": 18446744073709551615}],
		"user_limit": 140737488351232,
		"segs_scanned": 1, "kernel_segs": 0, "kernel_first": -1,
		"overlong_segs": 1, "overlong_first": 0,
		"overlong_first_base": 4096, "overlong_first_len": 18446744073709551615,
	},
	"ret": -32,
}

benign := {
	"name": "vmsplice",
	"process": {"pid": 100, "tid": 100, "comm": "yes"},
	"args": {
		"fd": 1, "nr_segs": 1, "flags": 0, "flag_names": [],
		"iov": [{"base": 94000000000000, "len": 65536}],
		"user_limit": 140737488351232,
		"segs_scanned": 1, "kernel_segs": 0, "kernel_first": -1,
		"overlong_segs": 0, "overlong_first": -1,
	},
	"ret": 65536,
}

test_exploit_found if {
	spw002.findings == {{
		"source": "sensor", "overlong_segs": 1, "segment": 0, "base": 4096,
		"len": 18446744073709551615, "user_limit": 140737488351232, "ret": -32,
	}} with input as exploit
}

test_benign_not_found if {
	count(spw002.findings) == 0 with input as benign
}

# A segment that ends past the user limit, in a recording without the
# sensor's count.
test_wrapping_segment_from_iov if {
	ev := json.patch(benign, [
		{"op": "remove", "path": "/args/overlong_segs"},
		{"op": "replace", "path": "/args/iov", "value": [
			{"base": 4096, "len": 16},
			{"base": 140737488351000, "len": 4096},
		]},
	])
	some f in spw002.findings with input as ev
	f.source == "iov"
	f.segment == 1
}

test_user_segments_from_iov_not_found if {
	ev := json.remove(benign, ["/args/overlong_segs"])
	count(spw002.findings) == 0 with input as ev
}

# A kernel-space base is SPW-001's finding, not this rule's.
test_kernel_base_left_to_spw001 if {
	ev := json.patch(benign, [
		{"op": "remove", "path": "/args/overlong_segs"},
		{"op": "replace", "path": "/args/iov", "value": [{"base": 18446744073699065856, "len": 4096}]},
	])
	count(spw002.findings) == 0 with input as ev
}

# Without user_limit, the 4-level paging limit applies.
test_default_user_limit if {
	ev := json.patch(benign, [
		{"op": "remove", "path": "/args/overlong_segs"},
		{"op": "remove", "path": "/args/user_limit"},
		{"op": "replace", "path": "/args/iov", "value": [{"base": 140737488351231, "len": 2}]},
	])
	some f in spw002.findings with input as ev
	f.user_limit == 140737488351232
}

test_selects_vmsplice_only if {
	spw002.events == {"vmsplice"}
}
