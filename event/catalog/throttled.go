package catalog

import "github.com/splicewatch/splicewatch/event"

func eventsThrottled() Event {
	d := []Tag{TagDerived}
	return Event{
		Name:    event.NameEventsThrottled,
		Summary: "Transfer calls of one process over the sensor's rate limit, counted",
		Description: "A synthetic event, made by the sensor in user space rather than by a system call. With a rate " +
			"limit configured (`rate_limit`, sensor.Filter.RateLimit), the sensor's eBPF programs count the ordinary " +
			"splice, tee and sendfile calls of each process (thread group) in a window of one second, opened by its " +
			"first call and reopened by its first call after the window ends; a call over the limit is counted as throttled in the per-process map `sw_rates` and, " +
			"unless it may be suspicious, dropped at syscall entry. vmsplice and page_race are never rate limited, and " +
			"a process excluded by the filter is dropped without being counted.\n\n" +
			"Every loss interval (one second by default, when the sensor also reads its loss counters) the sensor " +
			"emits one events_throttled per process whose throttled count grew since the previous summary. Throttling " +
			"is never silent: unlike a loss (events_lost), a throttled process is named.\n\n" +
			"A call over the limit that may be suspicious, out of a regular file into a pipe (the shape of Dirty Pipe) " +
			"or out of a sensitive file (`sensitive_paths`, by default sensor.DefaultSensitivePaths, matched when the " +
			"sensor starts), is counted but still reported. The call whose event is kept therefore shows up both as its own event and in `throttled`.\n\n" +
			"Only `process.pid` is set; the other process fields are empty, since the process may be gone. `ret` is 0, " +
			"`time` is when the summary was made, and `duration_ns` is absent.",
		Args: []Arg{
			{Name: "pid", Type: TypeUint32, Tags: d,
				Description: "The throttled process (thread group id), the key of its counter; the same as `process.pid`."},
			{Name: "throttled", Type: TypeUint64, Tags: d,
				Description: "The number of its calls over the limit since the previous summary of this process; a " +
					"summary can cover several windows."},
			{Name: "limit", Type: TypeUint32, Tags: d,
				Description: "The configured limit: splice, tee and sendfile events of one process per window."},
			{Name: "window_ns", Type: TypeUint64, Tags: d,
				Description: "The length of the rate-limit window, in nanoseconds (1000000000: one second)."},
		},
		Hooks: []Hook{},
		Attacks: []Attack{
			{"Hiding in a flood",
				"A process that makes the watched calls at a high rate, such as a busy web server's sendfile, is " +
					"throttled so that it cannot fill the ring buffer for everyone (events_lost). An attacker can use " +
					"the same flood to hide an ordinary-looking call of its own; the summary keeps the flood visible, " +
					"and calls out of a regular or sensitive file into a pipe are never dropped."},
		},
		Benign: "Expected on busy servers: nginx or HAProxy making hundreds of thousands of sendfile or splice calls a second.",
		Related: []Related{
			{event.NameSendfile, "the call most often throttled"},
			{event.NameSplice, "can be throttled, except out of a file into a pipe"},
			{event.NameTee, "can be throttled"},
			{event.NameEventsLost, "events dropped without a process to name, when the ring buffer was full"},
		},
	}
}
