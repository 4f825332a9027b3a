package catalog

// Fields every event has, whatever its name. They are described with the
// same Arg type as arguments; TypeObject fields hold Fields of their own.

// TypeTime is an RFC 3339 timestamp with nanoseconds.
const TypeTime Type = "time"

// TypeObject is a JSON object whose members are Arg.Fields.
const TypeObject Type = "object"

// Envelope returns the fields every event carries, in JSON order.
// Optional (OPT) fields are omitted from the JSON when empty or zero.
func Envelope() []Arg {
	return []Arg{
		{Name: "name", Type: TypeString, Description: "The event kind; selects the meaning of `args`.",
			Enum: Names()},
		{Name: "time", Type: TypeTime, Description: "Wall-clock time of the syscall's exit (for page_race: of the " +
			"memory call's entry or the fork; for process_exec and process_exit: of the exec or the exit; for events_lost " +
			"and events_throttled: when the loss was noticed or the summary made), RFC 3339 with nanoseconds."},
		{Name: "host", Type: TypeString, Tags: []Tag{TagOptional}, Description: "The host name of the sensor."},
		{Name: "process", Type: TypeObject, Description: "The calling task (for page_race: the task making the memory call, the parent " +
			"for a fork; all zero for events_lost; only pid for events_throttled).",
			Fields: processFields()},
		{Name: "args", Type: TypeObject, Description: "The named arguments and the facts the sensor derived " +
			"from them, as defined per event."},
		{Name: "ret", Type: TypeInt64, Description: "The system call's return value: a byte count, or a negative " +
			"errno (-14 is EFAULT, -22 EINVAL, -32 EPIPE); 0 for the synthetic events."},
		{Name: "duration_ns", Type: TypeUint64, Tags: []Tag{TagOptional},
			Description: "Nanoseconds between syscall entry and exit."},
	}
}

func processFields() []Arg {
	opt := []Tag{TagOptional}
	return []Arg{
		{Name: "pid", Type: TypeUint32, Description: "Process id (thread group id)."},
		{Name: "tid", Type: TypeUint32, Description: "Thread id."},
		{Name: "ppid", Type: TypeUint32, Description: "Process id of the real parent."},
		{Name: "uid", Type: TypeUint32, Description: "Real user id, in the initial user namespace."},
		{Name: "gid", Type: TypeUint32, Description: "Real group id, in the initial user namespace."},
		{Name: "comm", Type: TypeString, Description: "The task's command name (at most 15 bytes)."},
		{Name: "exe", Type: TypeString, Tags: opt, Description: "Path of the executable, resolved in user " +
			"space; absent when the process exited first."},
		{Name: "cgroup_id", Type: TypeUint64, Tags: opt, Description: "The cgroup v2 id."},
		{Name: "mnt_ns", Type: TypeUint32, Tags: opt, Description: "Mount namespace inode number."},
		{Name: "pid_ns", Type: TypeUint32, Tags: opt, Description: "PID namespace inode number (of children)."},
		{Name: "container_id", Type: TypeString, Tags: opt, Description: "Container id, when the process runs " +
			"in a container the sensor recognises."},
	}
}
