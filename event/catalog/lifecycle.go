package catalog

import "github.com/splicewatch/splicewatch/event"

// nameEventsThrottled is the name of the rate-limit summary; package event
// has no constant for it yet.
const nameEventsThrottled = "events_throttled"

func eventsThrottled() Event {
	d := []Tag{TagDerived}
	return Event{
		Name:    nameEventsThrottled,
		Summary: "Events of one process the sensor dropped by rate limit, counted per event name",
		Description: "A synthetic event, made by the sensor rather than by a system call. The sensor limits how many " +
			"events of one name one process may produce per window; when a process exceeds it, the events over the " +
			"limit are counted instead of sent, and at the end of the window the sensor emits one events_throttled per " +
			"process and event name with the count. Throttling is never silent: a throttled process is named, unlike " +
			"a loss (events_lost). Events carrying a suspicious fact computed in the kernel (`iov_changed`, " +
			"`dirty_pipe_merge`, `dirty_pipe_shape`) are never throttled (bpf/include/sw_event.h).\n\n" +
			"`pid` and `comm` name the throttled process; the process fields may be zero, as in events_lost. " +
			"`ret` is 0 and `time` is when the window closed.",
		Pending: "The sensor's rate limiter is being written: this definition is the contract its events must " +
			"meet (sensor/catalog_test.go checks a producer against it once one exists).",
		Args: []Arg{
			{Name: "pid", Type: TypeUint32, Tags: d, Description: "The throttled process (thread group id)."},
			{Name: "comm", Type: TypeString, Tags: d, Description: "Its command name, at most 15 bytes."},
			{Name: "name", Type: TypeString, Tags: d, Enum: []string{event.NameVmsplice, event.NameSplice,
				event.NameTee, event.NameSendfile, event.NamePageRace},
				Description: "The name of the events that were throttled."},
			{Name: "throttled", Type: TypeUint64, Tags: d,
				Description: "The number of events of that name and process dropped in the window."},
			{Name: "window_ns", Type: TypeUint64, Tags: d,
				Description: "The length of the window the count covers, in nanoseconds."},
		},
		Hooks: []Hook{},
		Attacks: []Attack{
			{"Hiding in a flood",
				"A process that makes the watched calls at a high rate, such as a busy web server's sendfile, is " +
					"throttled so that it cannot fill the ring buffer for everyone (events_lost). An attacker can use " +
					"the same flood to hide an ordinary-looking call of its own; the summary keeps the flood visible, " +
					"and calls with a kernel-computed suspicious fact are never throttled."},
		},
		Benign: "Expected on busy servers: nginx or HAProxy making hundreds of thousands of sendfile or splice calls a second.",
		Related: []Related{
			{event.NameSendfile, "the call most often throttled"},
			{event.NameSplice, "can be throttled"},
			{event.NameEventsLost, "events dropped without a process to name, when the ring buffer was full"},
		},
	}
}

func processExit() Event {
	return Event{
		Name:    event.NameProcessExit,
		Summary: "A thread group ended",
		Description: "A synthetic process-lifecycle event: the last thread of a process (thread group) exited. " +
			"Signatures that keep per-process state, such as a sequence of calls, drop the state of `process.pid` " +
			"when they see it. The process fields are those of the exiting process.",
		Pending: "The sensor does not emit it yet: package event names it (event.NameProcessExit) so that " +
			"signatures can subscribe to it, and the sensor may add it later. Until then per-process state must " +
			"also expire by time.",
		Args: []Arg{
			{Name: "exit_code", Type: TypeInt64, Tags: []Tag{TagKernel, TagOptional},
				Description: "The exit status as the kernel keeps it (`task->exit_code`: the exit value shifted left " +
					"by 8, or the signal number that killed the process); absent when unknown."},
		},
		Hooks: []Hook{},
		Attacks: []Attack{
			{"None on its own",
				"It marks the end of a process so that detections spanning several events of one process (a " +
					"vmsplice then a page_race, a pipe filled and drained then a splice) forget it, and so that a " +
					"reused pid is not mistaken for the old process."},
		},
		Related: []Related{
			{event.NameVmsplice, "per-process state about vmsplice calls ends here"},
			{event.NamePageRace, "a page race can only follow a vmsplice of the same, still running, process"},
		},
	}
}
