# splicewatch.lib: constants and helpers shared by rules. Import it with
# `import data.splicewatch.lib`. Rego has no hex literals, so addresses are
# written in decimal with the hex value beside them.
package splicewatch.lib

# User-space limit (TASK_SIZE_MAX) with 4-level paging: 0x00007ffffffff000.
task_size_max_4level := 140737488351232

# User-space limit with 5-level paging: 0x00fffffffffff000.
task_size_max_5level := 72057594037923840

# First kernel address with 4-level paging: 0xffff800000000000.
kernel_start_4level := 18446603336221196288

# The legacy vsyscall page: 0xffffffffff600000.
vsyscall_page := 18446744073699065856

# Largest single transfer (MAX_RW_COUNT = INT_MAX & PAGE_MASK).
max_rw_count := 2147479552

# Most iovec segments a call accepts (IOV_MAX).
iov_max := 1024

# splice/vmsplice/tee flag bits, by name.
splice_flags := {
	"SPLICE_F_MOVE": 1,
	"SPLICE_F_NONBLOCK": 2,
	"SPLICE_F_MORE": 4,
	"SPLICE_F_GIFT": 8,
}

# Return values (negative errno) rules look for.
errno := {
	"EBADF": -9,
	"EAGAIN": -11,
	"EFAULT": -14,
	"EINVAL": -22,
	"EPIPE": -32,
}

# File descriptor types the sensor reports in *_info.type.
fd_types := {"pipe", "file", "socket", "chr", "blk", "other"}

# user_limit is the calling task's user-space limit as the sensor read it,
# or the 4-level paging limit when the event does not carry one.
user_limit(ev) := ev.args.user_limit if is_number(ev.args.user_limit)

else := task_size_max_4level

# user_range(base, len, limit) holds when [base, base+len) lies below limit
# and len is a possible transfer size.
user_range(base, len, limit) if {
	len < max_rw_count
	base + len <= limit
}

# has_flag holds when the event's flag_names include name.
has_flag(ev, name) if name in ev.args.flag_names

# setting returns the operator's setting name from the YAML config
# (data.splicewatch.config), or default_value when it is not set.
setting(name, default_value) := v if {
	v := data.splicewatch.config[name]
} else := default_value

# exempt holds when the event's process is on the operator's allow list for
# the rule whose settings start with prefix: its comm is in
# <prefix>_allowed_comms (exact names), or its executable matches a glob
# pattern of <prefix>_allowed_exes ("*" stays within one path element, "**"
# crosses them).
exempt(ev, prefix) if {
	ev.process.comm in setting(concat("", [prefix, "_allowed_comms"]), [])
}

exempt(ev, prefix) if {
	exe := ev.process.exe
	exe != ""
	some pattern in setting(concat("", [prefix, "_allowed_exes"]), [])
	glob.match(pattern, ["/"], exe)
}
