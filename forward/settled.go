package forward

import (
	"time"

	"github.com/splicewatch/splicewatch/forward/queue"
)

// Removal batching: removing records costs a transaction and an fsync, so
// settled findings (acknowledged or dead-lettered) leave the queue in
// batches. A crash before the removal re-sends them: at least once still
// holds, at the price of duplicates the receiver drops by finding id.
const (
	maxUnremoved = 8192
	maxRemoveLag = 100 * time.Millisecond
)

// settled tracks findings that are settled but still in the queue.
type settled struct {
	// cursor: every key up to it is settled, so reads start after it.
	cursor uint64
	// above holds settled keys past the cursor (settled out of order).
	above map[uint64]bool
	keys  []uint64
	since time.Time
}

func (s *settled) has(key uint64) bool { return key <= s.cursor || s.above[key] }

// add records settled keys.
func (s *settled) add(now time.Time, keys ...uint64) {
	if len(s.keys) == 0 {
		s.since = now
	}
	if s.above == nil {
		s.above = map[uint64]bool{}
	}
	for _, k := range keys {
		s.above[k] = true
	}
	s.keys = append(s.keys, keys...)
}

// advance moves the cursor over the settled prefix of recs, which are in
// key order.
func (s *settled) advance(recs []queue.Record) {
	for _, r := range recs {
		if !s.has(r.Key) {
			return
		}
		s.cursor = r.Key
		delete(s.above, r.Key)
	}
}

// due reports whether the batch of removals should be written now.
func (s *settled) due(now time.Time) bool {
	return len(s.keys) >= maxUnremoved || (len(s.keys) > 0 && now.Sub(s.since) >= maxRemoveLag)
}

// flush removes the settled records from the queue.
func (o *output) flush(s *settled) {
	if len(s.keys) == 0 {
		return
	}
	if _, err := o.q.Delete(s.keys...); err != nil {
		o.log.Error("cannot remove delivered findings from the queue; they will be sent again", "error", err)
	}
	s.keys = s.keys[:0]
	clear(s.above)
	o.env.m.depth.WithLabelValues(o.cfg.Name).Set(float64(o.q.Len()))
}
