# SPW-007: vmsplice iovec rewritten during the call.
package splicewatch.rules.spw007

import data.splicewatch.lib

metadata := {
	"id": "SPW-007",
	"name": "vmsplice iovec rewritten during the call",
	"severity": "high",
	"description": concat(" ", [
		"The vmsplice iovec array read again at syscall exit differs from the one read at",
		"entry: another thread rewrote it while the call ran. This is a time-of-check to",
		"time-of-use attack on the sensor itself (what it checked is not what the kernel",
		"used), or a race against the kernel's own copy. Correct programs do not modify",
		"an iovec that a call in flight is reading.",
	]),
	"tags": ["vmsplice", "iovec", "toctou", "evasion"],
	"mitre": ["T1562.001", "T1068"],
	"version": "1.0.0",
}

events := {"vmsplice"}

findings contains f if {
	input.args.iov_changed == true
	not lib.exempt(input, "spw007")
	i := object.get(input.args, "iov_changed_first", -1)
	f := {
		"segment": i,
		"iov_addr": object.get(input.args, "iov_addr", 0),
		"nr_segs": object.get(input.args, "nr_segs", 0),
		"entry_segment": entry_segment(i, object.get(input.args, "iov", [])),
		"ret": input.ret,
	}
}

# entry_segment is the changed segment as the sensor read it at entry,
# when it was captured.
entry_segment(i, iov) := iov[i] if i >= 0 else := null
