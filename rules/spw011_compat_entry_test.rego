package splicewatch.rules.spw011_test

import data.splicewatch.rules.spw011

# sendfile of /etc/shadow through int $0x80 by a 64-bit process.
evasive := {
	"name": "sendfile",
	"process": {"pid": 4242, "tid": 4242, "comm": "x", "exe": "/tmp/x"},
	"args": {"out_fd": 1, "in_fd": 3, "count": 4096, "compat": true, "compat_from_64bit": true},
	"ret": 4096,
}

test_64bit_process_found if {
	spw011.findings == {{"syscall": "sendfile", "exe": "/tmp/x", "ret": 4096}} with input as evasive
}

test_vmsplice_found if {
	count(spw011.findings) == 1 with input as json.patch(evasive, [{"op": "replace", "path": "/name", "value": "vmsplice"}])
}

test_32bit_program_not_found if {
	count(spw011.findings) == 0 with input as json.patch(evasive, [{"op": "replace", "path": "/args/compat_from_64bit", "value": false}])
}

test_64bit_call_not_found if {
	count(spw011.findings) == 0 with input as json.patch(evasive, [
		{"op": "remove", "path": "/args/compat"},
		{"op": "remove", "path": "/args/compat_from_64bit"},
	])
}

test_allowed_exe_not_found if {
	count(spw011.findings) == 0 with input as evasive
		with data.splicewatch.config as {"spw011_allowed_exes": ["/tmp/*"]}
}
