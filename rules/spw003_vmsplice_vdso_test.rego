package splicewatch.rules.spw003_test

import data.splicewatch.rules.spw003

# vmsplice of the first vDSO page, as the CVE-2024-26808 technique does.
vdso := {
	"name": "vmsplice",
	"process": {"pid": 4242, "tid": 4242, "comm": "exploit", "exe": "/tmp/exploit"},
	"args": {
		"fd": 4, "fd_info": {"type": "pipe", "pipe": {"end": "write"}},
		"nr_segs": 1, "flags": 0, "flag_names": [],
		"iov": [{"base": 140737353949184, "len": 4096}],
		"user_limit": 140737488351232,
		"kernel_segs": 0, "kernel_first": -1,
		"vdso_segs": 1, "vdso_first": 0, "vdso_first_base": 140737353949184,
		"vdso_start": 140737353916416, "vdso_end": 140737353957376,
		"overlong_segs": 0, "overlong_first": -1,
	},
	"ret": 4096,
}

test_vdso_found if {
	spw003.findings == {{
		"vdso_segs": 1, "segment": 0, "base": 140737353949184, "region": "vdso",
		"vdso_start": 140737353916416, "vdso_end": 140737353957376,
		"pipe_end": "write", "ret": 4096,
	}} with input as vdso
}

# The vsyscall page alone is a kernel address: SPW-001 reports it.
test_vsyscall_alone_left_to_spw001 if {
	ev := json.patch(vdso, [
		{"op": "replace", "path": "/args/vdso_first", "value": 2},
		{"op": "replace", "path": "/args/vdso_first_base", "value": 18446744073699065856},
		{"op": "replace", "path": "/args/kernel_segs", "value": 1},
		{"op": "replace", "path": "/args/kernel_first", "value": 2},
	])
	count(spw003.findings) == 0 with input as ev
}

# The vsyscall page first, then a vDSO page: more vDSO-class segments than
# kernel ones.
test_vsyscall_and_vdso_found if {
	ev := json.patch(vdso, [
		{"op": "replace", "path": "/args/vdso_segs", "value": 2},
		{"op": "replace", "path": "/args/vdso_first", "value": 0},
		{"op": "replace", "path": "/args/vdso_first_base", "value": 18446744073699065856},
		{"op": "replace", "path": "/args/kernel_segs", "value": 1},
		{"op": "replace", "path": "/args/kernel_first", "value": 0},
	])
	some f in spw003.findings with input as ev
	f.region == "vsyscall"
	f.vdso_segs == 2
}

test_ordinary_buffer_not_found if {
	ev := json.patch(vdso, [
		{"op": "replace", "path": "/args/vdso_segs", "value": 0},
		{"op": "replace", "path": "/args/vdso_first", "value": -1},
		{"op": "remove", "path": "/args/vdso_first_base"},
	])
	count(spw003.findings) == 0 with input as ev
}

test_event_without_vdso_facts_not_found if {
	count(spw003.findings) == 0 with input as json.remove(vdso, ["/args/vdso_segs"])
}

test_exempt_exe_not_found if {
	count(spw003.findings) == 0 with input as vdso
		with data.splicewatch.config as {"spw003_allowed_exes": ["/tmp/*"]}
}
