package sensor

import (
	"time"

	"golang.org/x/sys/unix"
)

// monoClock converts bpf_ktime_get_ns() timestamps (CLOCK_MONOTONIC) to
// wall-clock time.
type monoClock struct {
	offset time.Duration // wall time minus monotonic time
}

func newMonoClock() monoClock {
	var ts unix.Timespec
	before := time.Now()
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	after := time.Now()
	wall := before.Add(after.Sub(before) / 2)
	return monoClock{offset: time.Duration(wall.UnixNano() - ts.Nano())}
}

// wall converts a monotonic timestamp in nanoseconds to wall time.
func (c monoClock) wall(mono uint64) time.Time {
	return time.Unix(0, int64(mono)+int64(c.offset))
}
