# An example splicewatch rule (OPA v1 syntax). Copy it into a directory,
# adapt it, and load it with `splicewatch run --rules DIR`.
#
# It reports vmsplice calls that gift their pages to a pipe
# (SPLICE_F_GIFT) from a program that is not known to do so. CRIU's
# parasite does it while checkpointing; list other known programs in the
# YAML config under rules.config.gift_allowed_comms.
package splicewatch.rules.example_gift

import data.splicewatch.lib

metadata := {
	"id": "EXAMPLE-001",
	"name": "vmsplice gifting pages outside CRIU",
	"severity": "low",
	"description": "vmsplice with SPLICE_F_GIFT from a program not listed in gift_allowed_comms.",
	"tags": ["vmsplice", "example"],
	"mitre": ["T1068"],
	"version": "1.0.0",
}

# The events the rule sees; it is evaluated for no others.
events := {"vmsplice"}

# Each finding is an object; it becomes the finding's data.
findings contains f if {
	lib.has_flag(input, "SPLICE_F_GIFT")
	not input.process.comm in lib.setting("gift_allowed_comms", ["criu"])
	f := {
		"comm": input.process.comm,
		"flags": input.args.flag_names,
		"nr_segs": input.args.nr_segs,
	}
}
