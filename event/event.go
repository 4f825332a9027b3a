package event

import (
	"time"
)

// SchemaVersion is the version of the event and finding JSON schema.
// It changes only when a field changes meaning or is removed.
const SchemaVersion = 1

// Names of the events the sensor emits.
const (
	NameVmsplice   = "vmsplice"
	NameSplice     = "splice"
	NameTee        = "tee"
	NameSendfile   = "sendfile"
	NameEventsLost = "events_lost"
	// NamePageRace is vmspliced memory changed while a pipe held it.
	NamePageRace = "page_race"
	// NameEventsThrottled summarises the ordinary events of one process
	// dropped by the per-process rate limit.
	NameEventsThrottled = "events_throttled"
	// NameProcessExit is a process (thread group) ending; signatures that
	// keep per-process state drop it then.
	NameProcessExit = "process_exit"
	// NameProcessExec is a process executing a new program.
	NameProcessExec = "process_exec"
)

// Event is one observation: a system call with its arguments and result, or a
// synthetic event produced by the sensor itself (such as events_lost).
type Event struct {
	// Name selects the event kind, e.g. "vmsplice".
	Name string `json:"name"`
	// Time is the wall-clock time of the syscall's exit.
	Time time.Time `json:"time"`
	// Host is the name of the host that captured the event.
	Host string `json:"host,omitempty"`
	// Process is the calling process.
	Process Process `json:"process"`
	// Args are the named arguments and the facts the sensor derived from them.
	Args Args `json:"args"`
	// Ret is the syscall's return value: a count, or a negative errno.
	Ret int64 `json:"ret"`
	// DurationNS is the time between syscall entry and exit, when known.
	DurationNS uint64 `json:"duration_ns,omitempty"`
}

// Process identifies the task that made a call.
type Process struct {
	PID         uint32 `json:"pid"`
	TID         uint32 `json:"tid"`
	PPID        uint32 `json:"ppid"`
	UID         uint32 `json:"uid"`
	GID         uint32 `json:"gid"`
	Comm        string `json:"comm"`
	Exe         string `json:"exe,omitempty"`
	CgroupID    uint64 `json:"cgroup_id,omitempty"`
	MntNS       uint32 `json:"mnt_ns,omitempty"`
	PidNS       uint32 `json:"pid_ns,omitempty"`
	ContainerID string `json:"container_id,omitempty"`
}
