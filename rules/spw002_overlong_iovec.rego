# SPW-002: vmsplice with an overlong or wrapping iovec segment.
package splicewatch.rules.spw002

import data.splicewatch.lib

metadata := {
	"id": "SPW-002",
	"name": "vmsplice with an overlong or wrapping iovec",
	"severity": "high",
	"description": concat(" ", [
		"A vmsplice iovec segment has a length of MAX_RW_COUNT or more, or its end wraps",
		"around or crosses the task's user-space limit. Programs never need this; the",
		"2008 vmsplice exploits (CVE-2008-0009/0010/0600) pass iov_len = ULONG_MAX.",
	]),
	"tags": ["vmsplice", "iovec", "exploit"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

events := {"vmsplice"}

# The sensor checked every segment and counted the overlong ones.
findings contains f if {
	input.args.overlong_segs > 0
	f := {
		"source": "sensor",
		"overlong_segs": input.args.overlong_segs,
		"segment": object.get(input.args, "overlong_first", -1),
		"base": object.get(input.args, "overlong_first_base", 0),
		"len": object.get(input.args, "overlong_first_len", 0),
		"user_limit": lib.user_limit(input),
		"ret": input.ret,
	}
}

# An event without the sensor's count (an older recording): check the
# captured segments here.
findings contains f if {
	object.get(input.args, "overlong_segs", null) == null
	some i, seg in input.args.iov
	not lib.user_range(seg.base, seg.len, lib.user_limit(input))
	seg.base < lib.user_limit(input) # a kernel base is SPW-001's
	f := {
		"source": "iov",
		"segment": i,
		"base": seg.base,
		"len": seg.len,
		"user_limit": lib.user_limit(input),
		"ret": input.ret,
	}
}
