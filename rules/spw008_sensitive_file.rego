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

# path_types are the fd types the sensor reports a path for.
path_types := {"file", "chr", "blk"}

# watched_paths are the patterns of the files the rule reports.
watched_paths := array.concat(lib.setting("spw008_paths", default_paths), lib.setting("spw008_extra_paths", []))

# One definition per input field name, each starting with comparisons the
# engine turns into a guard, checked in Go before the rule is evaluated:
# socket and pipe inputs (proxies splicing between sockets) are skipped,
# and so are files no watched pattern can match (the guard knows the
# literal parts of each glob pattern of watched_paths).
findings contains f if {
	input.name == "sendfile"
	input.args.in_fd_info.type in path_types
	some pattern in watched_paths
	glob.match(pattern, ["/"], input.args.in_fd_info.path)
	f := finding(input, input.args.in_fd_info, object.get(input.args, "out_fd_info", {}))
}

findings contains f if {
	input.name in {"splice", "tee"}
	input.args.fd_in_info.type in path_types
	some pattern in watched_paths
	glob.match(pattern, ["/"], input.args.fd_in_info.path)
	f := finding(input, input.args.fd_in_info, object.get(input.args, "fd_out_info", {}))
}

# finding is the finding's data when src, the side ev reads from, is a
# watched file; dst is the side it writes to.
finding(ev, src, dst) := f if {
	path := src.path
	matched := {p | some p in watched_paths; glob.match(p, ["/"], path)}
	count(matched) > 0
	not excluded(path)
	not lib.exempt(ev, "spw008")
	f := {
		"path": path,
		"patterns": sort(matched),
		"type": src.type,
		"ino": object.get(src, "ino", 0),
		"out_type": object.get(dst, "type", "unknown"),
		"out_path": object.get(dst, "path", ""),
		"ret": ev.ret,
	}
}

excluded(path) if {
	some pattern in lib.setting("spw008_exclude_paths", default_exclude_paths)
	glob.match(pattern, ["/"], path)
}
