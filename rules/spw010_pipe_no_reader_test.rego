package splicewatch.rules.spw010_test

import data.splicewatch.rules.spw010

epipe := {
	"name": "vmsplice",
	"process": {"pid": 4242, "tid": 4242, "comm": "exploit"},
	"args": {"fd": 4, "nr_segs": 1, "flags": 0, "flag_names": []},
	"ret": -32,
}

test_epipe_found if {
	spw010.findings == {{"fd": 4, "nr_segs": 1, "flag_names": [], "ret": -32}} with input as epipe
}

test_success_not_found if {
	count(spw010.findings) == 0 with input as json.patch(epipe, [{"op": "replace", "path": "/ret", "value": 4096}])
}

test_efault_not_found if {
	count(spw010.findings) == 0 with input as json.patch(epipe, [{"op": "replace", "path": "/ret", "value": -14}])
}

test_allowed_comm_not_found if {
	count(spw010.findings) == 0 with input as epipe
		with data.splicewatch.config as {"spw010_allowed_comms": ["exploit"]}
}

test_other_comm_still_found if {
	count(spw010.findings) == 1 with input as epipe
		with data.splicewatch.config as {"spw010_allowed_comms": ["yes"]}
}
