package catalog

import "github.com/splicewatch/splicewatch/event"

// lifecycleNote is the hook note of the process-lifecycle events.
const lifecycleNote = "Loaded from the tracepoint object in every attach mode, kprobe and fentry included."

func processExec() Event {
	return Event{
		Name:    event.NameProcessExec,
		Summary: "A process executed a new program",
		Description: "A synthetic process-lifecycle event, emitted when an execve or execveat succeeds: the kernel " +
			"has replaced the program and fires the sched_process_exec tracepoint. It feeds the sensor's process " +
			"table, so that a short-lived process that makes one call and exits still gets its `process.exe`: the " +
			"sensor resolves /proc/PID/exe when it sees the event and falls back to `filename` when the process " +
			"is already gone.\n\n" +
			"The process fields are those after the exec: `process.comm` is the new program's name and, after a " +
			"multithreaded exec, `process.pid` and `process.tid` are both the thread group id. `ret` is 0 and " +
			"`duration_ns` is absent; `time` is when the tracepoint fired.",
		Args: []Arg{
			{Name: "filename", Type: TypeString, Tags: []Tag{TagKernel},
				Description: "The file executed, as passed to execve (`bprm->filename`, read from the tracepoint's " +
					"`__data_loc filename`): possibly relative, a script rather than its interpreter, or " +
					"/dev/fd/N for execveat on a descriptor. At most 255 bytes; longer names are cut."},
			{Name: "old_pid", Type: TypeUint32, Tags: []Tag{TagKernel, TagOptional},
				Description: "The thread id that called execve, present only when it differs from `process.pid`: a " +
					"thread other than the leader of a multithreaded process executed, and took over the leader's id."},
		},
		Hooks: []Hook{{Mode: "tracepoint", Points: []string{"tracepoint/sched/sched_process_exec"},
			Note: lifecycleNote + " Only successful execs fire the tracepoint; a failed execve is not seen."}},
		Attacks: []Attack{
			{"None on its own",
				"It names the program behind later events. A program that runs for a few milliseconds, such as an " +
					"exploit that makes one vmsplice or splice call and exits, keeps its executable on its events."},
		},
		Benign: "Every program start on the host.",
		Related: []Related{
			{event.NameProcessExit, "the end of the process"},
			{event.NameVmsplice, "its `process.exe` comes from the process table this event feeds"},
		},
	}
}

func processExit() Event {
	return Event{
		Name:    event.NameProcessExit,
		Summary: "A thread group ended",
		Description: "A synthetic process-lifecycle event: the last thread of a process (thread group) exited. The " +
			"exit hook runs for every thread and emits only when the thread group is dead (`signal->live` has " +
			"dropped to 0). Signatures that keep per-process state, such as SPW-009's sequence of calls, drop the " +
			"state of `process.pid` when they see it, and the sensor forgets the process's executable.\n\n" +
			"The process fields are those of the last exiting thread, whose `process.tid` may differ from " +
			"`process.pid`. `process.exe` may be absent: the process is gone. `ret` is 0 and `duration_ns` is " +
			"absent; `time` is when the thread exited.",
		Args: []Arg{
			{Name: "exit_code", Type: TypeInt32, Tags: []Tag{TagKernel},
				Description: "The wait status of the process, as the kernel keeps it (`task->exit_code` of the last " +
					"thread): the exit value shifted left by 8 (exit(3) gives 768), or the number of the signal that " +
					"killed it, plus 128 when it dumped core (SIGKILL gives 9)."},
		},
		Hooks: []Hook{{Mode: "tracepoint", Points: []string{"tp_btf/sched_process_exit"},
			Note: lifecycleNote + " Needs kernel BTF, as the sensor does."}},
		Attacks: []Attack{
			{"None on its own",
				"It marks the end of a process so that detections spanning several events of one process (a " +
					"vmsplice then a page_race, a pipe filled and drained then a splice) forget it, and so that a " +
					"reused pid is not mistaken for the old process."},
		},
		Benign: "Every process end on the host.",
		Related: []Related{
			{event.NameProcessExec, "the start of the program"},
			{event.NameVmsplice, "per-process state about vmsplice calls ends here"},
			{event.NamePageRace, "a page race can only follow a vmsplice of the same, still running, process"},
		},
	}
}
