package forward

import (
	"errors"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/splicewatch/splicewatch/forward/queue"
)

// maxRetryAfter caps how long a receiver's Retry-After can pause an output.
const maxRetryAfter = 5 * time.Minute

// outcome sorts the items of one attempt.
type outcome struct {
	acked   []*item
	dead    []*item
	reasons []string
	// failed is the transient error that stopped the attempt, if any.
	failed    error
	nFailed   int
	retryWait time.Duration
}

// deliver is the output's delivery loop: oldest queued findings first,
// removed only once acknowledged or dead-lettered.
func (o *output) deliver() {
	defer close(o.delivered)
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     o.cfg.Retry.Initial,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         o.cfg.Retry.Max,
	}
	bo.Reset()
	var st settled
	defer o.flush(&st)
	for {
		recs, err := o.q.PeekAfter(st.cursor, o.batch)
		if errors.Is(err, queue.ErrClosed) || o.ctx.Err() != nil {
			return
		}
		if err != nil {
			o.log.Error("cannot read queue", "error", err)
			if !o.sleep(bo.NextBackOff()) {
				return
			}
			continue
		}
		var res outcome
		items := make([]*item, 0, len(recs))
		for _, r := range recs {
			if st.has(r.Key) {
				continue
			}
			it, err := decodeRecord(r.Key, r.Enqueued, r.Data)
			if err != nil {
				o.sortOne(it, err, &res)
				continue
			}
			items = append(items, it)
		}
		if len(items) == 0 && len(res.dead) == 0 {
			if len(st.keys) > 0 {
				o.flush(&st) // what is left after the cursor is settled
				continue
			}
			if !o.idle() {
				return
			}
			continue
		}
		if len(items) > 0 {
			o.attempt(items, &res)
		}
		o.commit(&res, &st)
		st.advance(recs)
		if res.failed == nil {
			if st.due(o.env.now()) {
				o.flush(&st)
			}
			bo.Reset()
			continue
		}
		o.flush(&st)
		o.env.m.retried.WithLabelValues(o.cfg.Name).Add(float64(res.nFailed))
		wait := bo.NextBackOff()
		if res.retryWait > 0 {
			wait = min(res.retryWait, maxRetryAfter)
		}
		o.log.Warn("delivery failed; will retry", "error", res.failed, "findings", res.nFailed, "retry_in", wait)
		if !o.sleep(wait) {
			return
		}
	}
}

// idle waits for new findings. It reports false when delivery should end:
// on the hard stop, or when draining and nothing is left.
func (o *output) idle() bool {
	select {
	case <-o.q.Ready():
		return true
	case <-o.draining:
		return o.q.Len() != 0
	case <-o.ctx.Done():
		return false
	}
}

// attempt sends items once and sorts the results into res. A batch
// rejected permanently as a whole is retried item by item, so that one bad
// finding does not take good ones to the dead-letter file.
func (o *output) attempt(items []*item, res *outcome) {
	// Each sender bounds its own requests by the output's timeout.
	err := o.snd.send(o.ctx, items)
	var per itemErrors
	switch {
	case err == nil:
		res.acked = append(res.acked, items...)
	case errors.As(err, &per) && len(per) == len(items):
		for i, e := range per {
			o.sortOne(items[i], e, res)
		}
	case isPermanent(err) && len(items) > 1:
		for i, it := range items {
			o.attempt([]*item{it}, res)
			if res.failed != nil {
				res.nFailed += len(items) - i - 1
				return
			}
		}
	default:
		for _, it := range items {
			o.sortOne(it, err, res)
		}
	}
}

func (o *output) sortOne(it *item, err error, res *outcome) {
	switch {
	case err == nil:
		res.acked = append(res.acked, it)
	case errors.Is(err, errNotAttempted):
		// stays queued, no backoff
	case isPermanent(err):
		res.dead = append(res.dead, it)
		res.reasons = append(res.reasons, err.Error())
	default:
		if res.failed == nil {
			res.failed = err
		}
		res.nFailed++
		var ra *retryAfterError
		if errors.As(err, &ra) && ra.after > res.retryWait {
			res.retryWait = ra.after
		}
	}
}

// commit dead-letters what the attempt rejected and marks the settled
// findings for removal.
func (o *output) commit(res *outcome, st *settled) {
	name := o.cfg.Name
	if err := o.dead.write(name, res.dead, res.reasons); err != nil {
		// Keep them queued: retried rather than lost.
		o.log.Error("cannot write the dead-letter file", "error", err)
		res.dead, res.reasons = nil, nil
		if res.failed == nil {
			res.failed = err
		}
	}
	now := o.env.now()
	for _, it := range res.acked {
		st.add(now, it.key)
		o.env.m.latency.WithLabelValues(name).Observe(now.Sub(it.enqueued).Seconds())
	}
	for _, it := range res.dead {
		st.add(now, it.key)
	}
	o.env.m.delivered.WithLabelValues(name).Add(float64(len(res.acked)))
	o.env.m.deadLettered.WithLabelValues(name).Add(float64(len(res.dead)))
	if len(res.dead) > 0 {
		o.log.Warn("findings rejected permanently; written to the dead-letter file",
			"count", len(res.dead), "file", o.dead.path, "reason", res.reasons[0])
	}
}

// sleep waits d or until the hard stop; it reports whether to go on.
func (o *output) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-o.ctx.Done():
		return false
	}
}
