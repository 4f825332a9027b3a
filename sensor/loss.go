package sensor

import (
	"fmt"
	"sync"

	"github.com/cilium/ebpf"
)

// Loss reasons, as reported in events_lost and metrics.
const (
	LossRingbufFull = "ringbuf_full"
	LossPendingFull = "pending_full"
	LossDecodeError = "decode_error"
)

var statReasons = map[uint32]string{
	uint32(tracepointSwStatSW_STAT_RINGBUF_FULL): LossRingbufFull,
	uint32(tracepointSwStatSW_STAT_PENDING_FULL): LossPendingFull,
}

type lossDelta struct {
	reason string
	count  uint64
}

// lossCounter tracks the per-CPU loss counters of the eBPF side plus the
// records user space could not decode.
type lossCounter struct {
	stats *ebpf.Map
	mu    sync.Mutex
	seen  map[string]uint64 // totals already reported
	dec   uint64            // decode errors so far

	filtered uint64 // filter drops already counted
}

func newLossCounter(stats *ebpf.Map) *lossCounter {
	return &lossCounter{stats: stats, seen: map[string]uint64{}}
}

func (l *lossCounter) addDecodeError() {
	l.mu.Lock()
	l.dec++
	l.mu.Unlock()
}

// filteredDelta returns how many events the in-kernel filters dropped
// since the last call. They are not losses: they were dropped on purpose.
func (l *lossCounter) filteredDelta() (uint64, error) {
	var perCPU []uint64
	if err := l.stats.Lookup(uint32(tracepointSwStatSW_STAT_FILTERED), &perCPU); err != nil {
		return 0, fmt.Errorf("read filter counter: %w", err)
	}
	var sum uint64
	for _, v := range perCPU {
		sum += v
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d := sum - l.filtered
	l.filtered = sum
	return d, nil
}

// poll returns the growth of every counter since the last poll.
func (l *lossCounter) poll() ([]lossDelta, error) {
	totals := map[string]uint64{}
	for idx, reason := range statReasons {
		var perCPU []uint64
		if err := l.stats.Lookup(idx, &perCPU); err != nil {
			return nil, fmt.Errorf("read loss counter %s: %w", reason, err)
		}
		var sum uint64
		for _, v := range perCPU {
			sum += v
		}
		totals[reason] = sum
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	totals[LossDecodeError] = l.dec
	var deltas []lossDelta
	for reason, total := range totals {
		if d := total - l.seen[reason]; d > 0 {
			deltas = append(deltas, lossDelta{reason, d})
		}
		l.seen[reason] = total
	}
	return deltas, nil
}

func (l *lossCounter) totals() map[string]uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]uint64, len(l.seen))
	for k, v := range l.seen {
		out[k] = v
	}
	return out
}
