# SPW-008: a sensitive file moved by splice, tee or sendfile.
package splicewatch.rules.spw008

import data.splicewatch.lib

metadata := {
	"id": "SPW-008",
	"name": "sensitive file moved by a zero-copy call",
	"severity": "medium",
	"description": concat(" ", [
		"splice, tee or sendfile read from a file holding credentials or kernel memory",
		"(/etc/shadow, sudoers, SSH private keys, /proc/kcore, /dev/mem...). Programs that",
		"legitimately read these files use read(2); moving them to a socket or pipe",
		"without a copy is how a data-theft tool exfiltrates them quietly.",
	]),
	"tags": ["splice", "sendfile", "tee", "credential-access", "exfiltration"],
	"mitre": ["T1003.008", "T1552.004", "T1048"],
	"version": "1.0.0",
}

events := {"splice", "tee", "sendfile"}

# default_paths are the files the rule watches unless spw008_paths is set;
# spw008_extra_paths adds to them. Glob patterns: "*" stays within one path
# element, "**" crosses them.
default_paths := [
	"/etc/shadow",
	"/etc/gshadow",
	"/etc/shadow-",
	"/etc/gshadow-",
	"/etc/sudoers",
	"/etc/sudoers.d/*",
	"/etc/ssh/ssh_host_*_key",
	"/root/.ssh/id_*",
	"/home/*/.ssh/id_*",
	"/proc/kcore",
	"/proc/kallsyms",
	"/dev/mem",
	"/dev/kmem",
]

# default_exclude_paths are patterns of files never reported, unless
# spw008_exclude_paths replaces them: public keys.
default_exclude_paths := ["**.pub"]

findings contains f if {
	info := input_side(input)
	path := info.path
	patterns := array.concat(lib.setting("spw008_paths", default_paths), lib.setting("spw008_extra_paths", []))
	matched := {p | some p in patterns; glob.match(p, ["/"], path)}
	count(matched) > 0
	not excluded(path)
	not lib.exempt(input, "spw008")
	f := {
		"path": path,
		"patterns": sort(matched),
		"type": info.type,
		"ino": object.get(info, "ino", 0),
		"out_type": object.get(output_side(input), "type", "unknown"),
		"out_path": object.get(output_side(input), "path", ""),
		"ret": input.ret,
	}
}

excluded(path) if {
	some pattern in lib.setting("spw008_exclude_paths", default_exclude_paths)
	glob.match(pattern, ["/"], path)
}

# input_side is the description of the fd the call reads from.
input_side(ev) := ev.args.in_fd_info if ev.name == "sendfile" else := ev.args.fd_in_info

# output_side is the description of the fd the call writes to.
output_side(ev) := object.get(ev.args, "out_fd_info", {}) if ev.name == "sendfile" else := object.get(ev.args, "fd_out_info", {})
