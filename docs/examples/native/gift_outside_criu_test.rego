# Tests for the example rule: run them with
# `splicewatch rules test docs/examples/native`.
package splicewatch.rules.example_gift_test

import data.splicewatch.rules.example_gift

gift := {
	"name": "vmsplice",
	"process": {"pid": 10, "tid": 10, "comm": "dropper"},
	"args": {"fd": 4, "nr_segs": 2, "flags": 8, "flag_names": ["SPLICE_F_GIFT"]},
	"ret": 8192,
}

test_gift_found if {
	example_gift.findings == {{"comm": "dropper", "flags": ["SPLICE_F_GIFT"], "nr_segs": 2}} with input as gift
}

test_criu_not_found if {
	count(example_gift.findings) == 0 with input as json.patch(gift, [{"op": "replace", "path": "/process/comm", "value": "criu"}])
}

test_no_gift_not_found if {
	count(example_gift.findings) == 0 with input as json.patch(gift, [{"op": "replace", "path": "/args/flag_names", "value": []}])
}

test_allowed_by_config if {
	count(example_gift.findings) == 0 with input as gift
		with data.splicewatch.config as {"gift_allowed_comms": ["dropper"]}
}
