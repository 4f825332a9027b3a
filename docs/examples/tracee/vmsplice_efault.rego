# An example Tracee legacy signature (Rego v0 syntax), loaded unchanged by
# splicewatch. Tracee rules see events in Tracee's shape: eventName,
# processName, processId, returnValue, args as [{name, type, value}].
#
# It reports vmsplice calls that failed with EFAULT: a bad iovec pointer,
# which on a patched kernel is what an exploit attempt looks like.
package tracee.SW_EXAMPLE_TRC_1

import data.tracee.helpers

__rego_metadoc__ := {
	"id": "EXAMPLE-TRC-1",
	"version": "1.0.0",
	"name": "vmsplice failed with EFAULT",
	"eventName": "vmsplice_efault",
	"description": "A vmsplice call failed with EFAULT: its iovec pointed at memory the caller cannot use.",
	"tags": ["linux", "vmsplice"],
	"properties": {
		"Severity": 2,
		"MITRE ATT&CK": "Privilege Escalation: Exploitation for Privilege Escalation",
	},
}

eventSelectors := [{"source": "tracee", "name": "vmsplice", "origin": "*"}]

tracee_selected_events[eventSelector] {
	eventSelector := eventSelectors[_]
}

tracee_match = {
	"fd": fd,
	"nr_segs": nr_segs,
	"process": input.processName,
} {
	input.eventName == "vmsplice"
	input.returnValue == -14
	fd := helpers.get_tracee_argument("fd")
	nr_segs := helpers.get_tracee_argument("nr_segs")
}
