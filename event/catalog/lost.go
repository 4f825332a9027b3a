package catalog

import "github.com/splicewatch/splicewatch/event"

// Loss reasons, as the sensor reports them (sensor.Loss*).
var lossReasons = []string{"ringbuf_full", "pending_full", "decode_error"}

func eventsLost() Event {
	return Event{
		Name:    event.NameEventsLost,
		Summary: "Events the sensor failed to deliver, counted by reason",
		Description: "A synthetic event, made by the sensor in user space rather than by a system call. The sensor " +
			"reads its loss counters periodically (every second by default) and emits one events_lost per reason " +
			"whose count grew, with the number of events lost since the previous report. A loss is never silent: the " +
			"same counts feed the `splicewatch_events_lost_total{reason}` metric and a warning in the log.\n\n" +
			"The process fields are zero, `ret` is 0 and `time` is when the loss was noticed, not when it happened.",
		Args: []Arg{
			{Name: "lost", Type: TypeUint64, Tags: []Tag{TagDerived},
				Description: "The number of events lost for this reason since the previous events_lost report."},
			{Name: "reason", Type: TypeString, Tags: []Tag{TagDerived}, Enum: lossReasons,
				Description: "Why they were lost. `ringbuf_full`: the kernel-to-user ring buffer was full because user " +
					"space fell behind, and the record was dropped at syscall exit. `pending_full`: no per-thread " +
					"record could be allocated at syscall entry (task-local storage), so the call was not recorded. " +
					"`decode_error`: user space received a record it could not decode."},
		},
		Hooks: []Hook{},
		Attacks: []Attack{
			{"Blinding the sensor",
				"An attacker who floods the watched system calls (millions of cheap sendfile or vmsplice calls) can fill " +
					"the ring buffer so that the call that matters is dropped. A burst of `ringbuf_full` losses next to " +
					"other suspicious activity deserves attention on its own."},
		},
		Related: []Related{
			{event.NameVmsplice, "can be lost"},
			{event.NameSplice, "can be lost"},
			{event.NameTee, "can be lost"},
			{event.NameSendfile, "can be lost; the most frequent call"},
		},
	}
}
