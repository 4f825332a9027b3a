package splicewatch.rules.spw008_test

import data.splicewatch.rules.spw008

# sendfile of /etc/shadow to a TCP socket.
sendfile := {
	"name": "sendfile",
	"process": {"pid": 4242, "tid": 4242, "uid": 0, "comm": "exfil", "exe": "/tmp/exfil"},
	"args": {
		"out_fd": 5, "out_fd_info": {"type": "socket", "ino": 99},
		"in_fd": 3, "in_fd_info": {"type": "file", "ino": 1234, "uid": 0, "perm": "0640", "path": "/etc/shadow"},
		"offset": 0, "offset_value": 0, "count": 4096,
	},
	"ret": 631,
}

splice_of(path) := {
	"name": "splice",
	"process": {"pid": 4242, "tid": 4242, "comm": "exfil"},
	"args": {
		"fd_in": 3, "fd_in_info": {"type": "file", "ino": 7, "path": path},
		"fd_out": 5, "fd_out_info": {"type": "pipe", "pipe": {"end": "write"}},
		"len": 65536, "flags": 0, "flag_names": [],
	},
	"ret": 400,
}

test_shadow_sendfile_found if {
	spw008.findings == {{
		"path": "/etc/shadow", "patterns": ["/etc/shadow"], "type": "file", "ino": 1234,
		"out_type": "socket", "out_path": "", "ret": 631,
	}} with input as sendfile
}

test_default_paths_found if {
	every path in [
		"/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d/90-cloud", "/etc/ssh/ssh_host_ed25519_key",
		"/root/.ssh/id_rsa", "/home/alice/.ssh/id_ed25519", "/proc/kcore", "/proc/kallsyms", "/dev/mem",
	] {
		count(spw008.findings) == 1 with input as splice_of(path)
	}
}

test_public_keys_and_other_files_not_found if {
	every path in [
		"/etc/ssh/ssh_host_ed25519_key.pub", "/root/.ssh/id_rsa.pub", "/home/alice/.ssh/id_ed25519.pub",
		"/home/alice/.ssh/authorized_keys", "/etc/passwd", "/var/www/index.html", "/home/alice/x/.ssh/id_rsa",
	] {
		count(spw008.findings) == 0 with input as splice_of(path)
	}
}

# tee reads from fd_in; a pipe has no path.
test_tee_of_pipe_not_found if {
	ev := {"name": "tee", "process": {"comm": "tee"}, "args": {
		"fd_in": 3, "fd_in_info": {"type": "pipe", "pipe": {"end": "read"}},
		"fd_out": 4, "fd_out_info": {"type": "pipe", "pipe": {"end": "write"}},
		"len": 65536, "flags": 0, "flag_names": [],
	}, "ret": 100}
	count(spw008.findings) == 0 with input as ev
}

# The output side never counts: writing into /etc/shadow is not moving it.
test_shadow_as_output_not_found if {
	ev := json.patch(sendfile, [
		{"op": "replace", "path": "/args/out_fd_info", "value": {"type": "file", "path": "/etc/shadow"}},
		{"op": "replace", "path": "/args/in_fd_info", "value": {"type": "file", "path": "/tmp/new"}},
	])
	count(spw008.findings) == 0 with input as ev
}

test_configured_paths if {
	cfg := {"spw008_paths": ["/srv/secrets/**"]}
	count(spw008.findings) == 1 with input as splice_of("/srv/secrets/db/password") with data.splicewatch.config as cfg
	count(spw008.findings) == 0 with input as sendfile with data.splicewatch.config as cfg
}

test_extra_paths_keep_defaults if {
	cfg := {"spw008_extra_paths": ["/srv/key"]}
	count(spw008.findings) == 1 with input as splice_of("/srv/key") with data.splicewatch.config as cfg
	count(spw008.findings) == 1 with input as sendfile with data.splicewatch.config as cfg
}

test_exempt_exe_not_found if {
	count(spw008.findings) == 0 with input as sendfile
		with data.splicewatch.config as {"spw008_allowed_exes": ["/tmp/exfil"]}
}

test_exempt_comm_not_found if {
	count(spw008.findings) == 0 with input as sendfile
		with data.splicewatch.config as {"spw008_allowed_comms": ["exfil"]}
}

# A proxy splicing from a socket: no path, no finding.
test_socket_input_not_found if {
	ev := {"name": "splice", "process": {"comm": "proxy"}, "args": {
		"fd_in": 3, "fd_in_info": {"type": "socket", "ino": 5},
		"fd_out": 4, "fd_out_info": {"type": "pipe", "pipe": {"end": "write"}},
		"len": 4194304, "flags": 2, "flag_names": ["SPLICE_F_NONBLOCK"],
	}, "ret": 65536}
	count(spw008.findings) == 0 with input as ev
}

# /dev/mem is a character device.
test_chr_device_found if {
	ev := json.patch(splice_of("/dev/mem"), [{"op": "replace", "path": "/args/fd_in_info/type", "value": "chr"}])
	some f in spw008.findings with input as ev
	f.type == "chr"
}

# A file two patterns match is one finding naming both.
test_two_patterns_one_finding if {
	spw008.findings == {{
		"path": "/etc/shadow", "patterns": ["/etc/**", "/etc/shadow"], "type": "file", "ino": 1234,
		"out_type": "socket", "out_path": "", "ret": 631,
	}} with input as sendfile with data.splicewatch.config as {"spw008_extra_paths": ["/etc/**"]}
}
